// `pnpm bench`: every benchmark suite in turn, each against its own real stack. Measurements, not
// tests: they print tables and write JSON under bench/results/, and never fail on a figure. At the
// end, the figures of the suites that ran are gathered into bench/results/<date>.json and printed
// as one table. The 30-minute soak is its own command (`pnpm bench:soak`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { machine } from './lib/machine.js';
import type { Figure } from './lib/report.js';

const suites = ['devnet', 'fabric', 'submitter', 'projector', 'api', 'queryable'];
const only = process.argv.slice(2);
const results = path.join(import.meta.dirname, 'results');
const date = new Date().toISOString().slice(0, 10);

const ran: string[] = [];
for (const suite of suites.filter((s) => only.length === 0 || only.some((o) => s.startsWith(o)))) {
  process.stdout.write(`\n=== ${suite}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gx/source', path.join(import.meta.dirname, `${suite}.ts`)],
    { stdio: 'inherit' },
  );
  if (result.status === 0) ran.push(suite);
  else process.stdout.write(`${suite} stopped with code ${result.status}\n`);
}

const gathered = ran
  .map((suite) => path.join(results, `${date}-${suite}.json`))
  .filter((file) => existsSync(file))
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as { suite: string; at: string; figures: Figure[] });
if (gathered.length > 0) {
  const file = path.join(results, `${date}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), machine: machine(), suites: gathered }, null, 2)}\n`,
  );
  process.stdout.write('\n| suite | figure | value | target |\n| --- | --- | --- | --- |\n');
  for (const { suite, figures } of gathered) {
    for (const f of figures)
      process.stdout.write(`| ${suite} | ${f.figure} | ${f.value} | ${f.target ?? ''} |\n`);
  }
  process.stdout.write(`\n${file}\n`);
}
