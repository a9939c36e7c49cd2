// `pnpm bench`: every benchmark suite in turn, each against its own real stack. Measurements, not
// tests: they print tables and write JSON under bench/results/, and never fail on a figure.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const suites = ['devnet.ts', 'fabric.ts', 'submitter.ts', 'projector.ts', 'api.ts'];
const only = process.argv.slice(2);

for (const suite of suites.filter((s) => only.length === 0 || only.some((o) => s.startsWith(o)))) {
  process.stdout.write(`\n=== ${suite}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gx/source', path.join(import.meta.dirname, suite)],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) process.stdout.write(`${suite} stopped with code ${result.status}\n`);
}
