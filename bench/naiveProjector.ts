/**
 * The naive projector the benchmarks compare against (issue 9): the same handlers and SQL as the
 * real one, but one database transaction, checkpoint save and NOTIFY per ledger event, with no
 * grouping of a block's events. Started as its own process by bench/queryable.ts:
 *
 *   DATABASE_URL=… FABRIC_CONNECTION_DIR=… node --import tsx --conditions=@gx/source bench/naiveProjector.ts
 */
import { connect } from '@gx/db';
import { connectLedger } from '@gx/fabric';
import { liveCheckpoint, type Position, projectEvents, readCheckpoint, unpack } from '@gx/projector';
import { createLogger, onShutdown } from '@gx/runtime';

const logger = createLogger({ service: 'naive-projector', level: 'info', format: 'json' });
const database = connect(process.env.DATABASE_URL!, { max: 2, applicationName: 'gx-naive-projector' });
const ledger = await connectLedger({ folder: process.env.FABRIC_CONNECTION_DIR!, logger });
let position: Position = await readCheckpoint(database.db, liveCheckpoint);
const events = ledger.events(
  position.transactionId === undefined
    ? { blockNumber: position.blockNumber }
    : { blockNumber: position.blockNumber, transactionId: position.transactionId },
);
onShutdown(logger, async () => {
  events.close();
  ledger.close();
  await database.close();
});
logger.info({ naiveProjector: 'leading' }, 'naive projector: one transaction per event');

for await (const raw of events) {
  const event = unpack(raw);
  const from = position;
  const outcome = await database.db.transaction((tx) =>
    projectEvents(tx, [event], { checkpoint: liveCheckpoint, from, mode: 'live', logger }),
  );
  position = outcome.to;
}
