import { connect, resolveDatabase } from '@gx/db';
import { connectLedger } from '@gx/fabric';
import { createLogger, loadConfig } from '@gx/runtime';
import { describe } from '../checkpoint.js';
import { fabricConnectionDir, projectorEnv } from '../config.js';
import { errorLine } from '../errors.js';
import { type RebuildProgress, rebuild } from '../rebuild/rebuild.js';

/**
 * `pnpm --filter @gx/projector run rebuild [--no-swap]` (`run`: `pnpm rebuild` is pnpm's own command): replays the ledger from block 0 into fresh read
 * models beside the live ones, swaps them in (one transaction) and prints how they compare with the
 * live models. `--no-swap` compares only. Safe while the live projector runs.
 */
const config = loadConfig('projector rebuild', projectorEnv);
const logger = createLogger({ service: 'projector-rebuild', level: 'warn', format: config.LOG_FORMAT });
const swap = !process.argv.includes('--no-swap');
const out = (line: string) => process.stdout.write(`${line}\n`);
const tty = process.stdout.isTTY;

const duration = (seconds: number | undefined) => {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function showProgress(p: RebuildProgress): void {
  const line =
    p.phase === 'replaying'
      ? `replaying: block ${p.blockNumber} of ${p.height} (live checkpoint at ${p.targetBlock}) · ${p.events} events · ${Math.round(p.eventsPerSecond)} events/s · ${duration(p.secondsLeft)} left`
      : p.phase === 'swapping'
        ? `catching up with the live projector and ${swap ? 'swapping' : 'comparing'} (block ${p.blockNumber})`
        : `done: ${p.events} events replayed`;
  if (tty) process.stdout.write(`\r\u001b[2K${line}${p.phase === 'done' ? '\n' : ''}`);
  else out(line);
}

try {
  await runRebuild();
} catch (error) {
  process.stderr.write(`rebuild failed: ${errorLine(error)}\n`);
  process.exitCode = 1;
}

async function runRebuild(): Promise<void> {
  const resolved = await resolveDatabase(config, logger);
  const database = connect(resolved.url, { max: 2, applicationName: 'gx-projector-rebuild' });
  try {
    const ledger = await connectLedger({ folder: fabricConnectionDir(config), logger });
    try {
      const result = await rebuild({ database, ledger, logger, onProgress: showProgress, swap });
      out('');
      out(
        `rebuilt from block 0 to ${describe(result.position)}: ${result.events} events in ${result.seconds.toFixed(1)} s`,
      );
      out('table               live  rebuilt  only live  only rebuilt');
      for (const c of result.comparison) {
        out(
          `${c.table.padEnd(18)} ${String(c.live).padStart(5)}  ${String(c.rebuilt).padStart(7)}  ${String(c.onlyLive).padStart(9)}  ${String(c.onlyRebuilt).padStart(12)}`,
        );
      }
      out(
        result.identical
          ? `the rebuilt models equal the live ones${result.swapped ? '; swapped in' : ''}`
          : `the models differ${result.swapped ? ': the rebuilt ones (the ledger replayed) are now live' : ' (nothing swapped)'}`,
      );
    } finally {
      ledger.close();
    }
  } finally {
    await database.close();
    await resolved.stop();
  }
}
