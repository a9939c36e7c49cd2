import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { machine } from './machine.js';

export interface Figure {
  figure: string;
  value: string;
  /** The load that produced it, and which processes ran. */
  load: string;
  target?: string;
}

/** Prints the suite's table and writes its JSON to bench/results/<date>-<suite>.json. */
export function report(suite: string, figures: readonly Figure[], details: Record<string, unknown>): string {
  const widths = ['figure', 'value', 'target', 'load'].map((key) =>
    Math.max(key.length, ...figures.map((f) => String(f[key as keyof Figure] ?? '').length)),
  );
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const table = [
    line(['figure', 'value', 'target', 'load']),
    line(widths.map((w) => '-'.repeat(w))),
    ...figures.map((f) => line([f.figure, f.value, f.target ?? '', f.load])),
  ].join('\n');
  process.stdout.write(`\n${suite}\n\n${table}\n`);
  const folder = path.join(import.meta.dirname, '..', 'results');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${new Date().toISOString().slice(0, 10)}-${suite}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ suite, at: new Date().toISOString(), machine: machine(), figures, details }, null, 2)}\n`,
  );
  process.stdout.write(`\n${file}\n`);
  return file;
}
