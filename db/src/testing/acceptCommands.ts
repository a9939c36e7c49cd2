import { type CommandPayload, type CommandType, commandKeys } from '@gx/schema';
import { lockAggregate } from '../aggregateLock.js';
import type { Db } from '../connection.js';
import { commands } from '../tables/index.js';

/**
 * Inserts commands as accepted, in the given order, each chunk under its aggregates' locks as the
 * api does (so `seq` is acceptance order), for tests and benchmarks that feed the workers directly.
 */
export async function acceptCommands(
  db: Db,
  list: readonly { id: string; type: CommandType; payload: CommandPayload }[],
): Promise<void> {
  for (let i = 0; i < list.length; i += 1_000) {
    const chunk = list.slice(i, i + 1_000);
    await db.transaction(async (tx) => {
      const aggregates = [...new Set(chunk.map((c) => commandKeys(c.type, c.payload).aggregateId))].sort();
      for (const aggregateId of aggregates) await lockAggregate(tx, aggregateId);
      await tx.insert(commands).values(
        chunk.map((c) => {
          const keys = commandKeys(c.type, c.payload);
          return {
            id: c.id,
            type: c.type,
            aggregateId: keys.aggregateId,
            touches: keys.touches,
            payload: c.payload,
            correlationId: `test-${c.id.slice(0, 8)}`,
          };
        }),
      );
    });
  }
}
