import type { LedgerEvent } from '@gx/fabric';
import { type UnpackedEvent, unpack, weight } from './unpack.js';

/**
 * The database transactions for events that arrived together: whole blocks only, several of them
 * while behind, cut at a block boundary once a transaction holds about `maxWeight` domain events
 * (a block larger than that goes alone). Validation happens here, outside any transaction.
 */
export async function* transactionGroups(
  arrivals: AsyncIterable<LedgerEvent[]>,
  maxWeight: number,
): AsyncGenerator<UnpackedEvent[]> {
  for await (const arrived of arrivals) {
    let group: UnpackedEvent[] = [];
    let groupWeight = 0;
    for (const raw of arrived) {
      const event = unpack(raw);
      const last = group.at(-1);
      if (last && last.blockNumber !== event.blockNumber && groupWeight >= maxWeight) {
        yield group;
        group = [];
        groupWeight = 0;
      }
      group.push(event);
      groupWeight += weight(event);
    }
    if (group.length > 0) yield group;
  }
}
