import { connect, readLag, resolveDatabase } from '@gx/db';
import { connectLedger } from '@gx/fabric';
import { createLogger, loadConfig } from '@gx/runtime';
import { findCheckpoint, liveCheckpoint } from '../checkpoint.js';
import { fabricConnectionDir, projectorEnv } from '../config.js';
import { errorLine } from '../errors.js';
import { findLeader } from '../leader.js';

/**
 * `pnpm --filter @gx/projector status`: checkpoint, chain height, lag and leader, one line each.
 */
const config = loadConfig('projector status', projectorEnv);
const logger = createLogger({ service: 'projector-status', level: 'warn', format: config.LOG_FORMAT });
const out = (line: string) => process.stdout.write(`${line}\n`);

try {
  await printStatus();
} catch (error) {
  process.stderr.write(`status failed: ${errorLine(error)}\n`);
  process.exitCode = 1;
}

async function printStatus(): Promise<void> {
  const resolved = await resolveDatabase(config, logger);
  const database = connect(resolved.url, { max: 1, applicationName: 'gx-projector-status' });
  try {
    const checkpoint = await findCheckpoint(database.db, liveCheckpoint);
    const lag = await readLag(database.sql, liveCheckpoint);
    const leader = await findLeader(database.sql);
    const [waiting] = await database.sql<{ committed: number; errors: number }[]>`
    select (select count(*) from commands where status = 'COMMITTED')::int as committed,
      (select count(*) from projection_errors)::int as errors`;
    let height = 'unreachable';
    try {
      const ledger = await connectLedger({ folder: fabricConnectionDir(config), logger });
      try {
        height = String(await ledger.chainHeight());
      } finally {
        ledger.close();
      }
    } catch (error) {
      height = `unreachable (${(error as Error).message.split('\n')[0]})`;
    }
    out(
      `checkpoint         ${checkpoint ? `block ${checkpoint.blockNumber}${checkpoint.transactionId ? `, after transaction ${checkpoint.transactionId}` : ''}` : 'none (never ran)'}`,
    );
    out(`chain height       ${height}`);
    out(
      `lag                ${lag.lagBlocks} block(s), ${lag.lagSeconds.toFixed(1)} s (${waiting?.committed ?? 0} command(s) committed, not yet projected)`,
    );
    out(
      `leader             ${leader ? `pid ${leader.pid} (${leader.applicationName}${leader.clientAddress ? ` from ${leader.clientAddress}` : ''}), connected since ${leader.since}` : 'none: no projector holds the lock'}`,
    );
    out(`projection errors  ${waiting?.errors ?? 0}`);
  } finally {
    await database.close();
    await resolved.stop();
  }
}
