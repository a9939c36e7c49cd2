import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Ledger } from '@gx/fabric';
import { DevnetFixture, eventInjectingContracts, injectEvent } from '@gx/fabric/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitOnLedger,
  type InProcessProjector,
  mint,
  newUser,
  recordCommands,
  register,
  startProjector,
  until,
} from './testing/index.js';

// the real chaincode, plus a way to put on the ledger events it would never set
const fixture = new DevnetFixture({ batchTimeoutMs: 20, contracts: eventInjectingContracts });
let database: TestDatabase;
let ledger: Ledger;
let live: InProcessProjector;

beforeAll(async () => {
  await fixture.start();
  database = await createTestDatabase();
  ledger = await fixture.connect();
  live = await startProjector({ databaseUrl: database.url, connectionDir: fixture.connectionDir });
});
afterAll(async () => {
  await live?.stop();
  ledger?.close();
  await database?.drop();
  await fixture.destroy();
});

describe('events that fail validation', () => {
  it('land in projection_errors with block, transaction, payload and reason; the events after them are projected', async () => {
    const user = newUser();
    const before = register(user);
    await recordCommands(database.db, [before], 'SUBMITTED');
    await commitOnLedger(ledger, [before]);

    const wrongShape = await injectEvent(
      ledger,
      'UserCreated',
      JSON.stringify({ commandId: randomUUID(), profileId: 'not-a-uuid', country: 'DE' }),
    );
    const unknownType = await injectEvent(
      ledger,
      'AccountClosed',
      JSON.stringify({ commandId: randomUUID() }),
    );
    const notJson = await injectEvent(ledger, 'TransferCompleted', '\u0000not json');
    const badEntry = await injectEvent(
      ledger,
      'CommandsApplied',
      JSON.stringify({ results: [{ commandId: randomUUID(), outcome: 'EXPLODED' }] }),
    );

    const after = mint(user, '42');
    await recordCommands(database.db, [after], 'SUBMITTED');
    const last = await commitOnLedger(ledger, [after]);

    await until(async () => {
      const [row] = await database.sql`select status from commands where id = ${after.row.id}`;
      return row?.status === 'PROJECTED';
    }, 'the event after the malformed ones to be projected');

    const errors = await database.sql`
      select block_number::text, tx_id, event_name, payload, reason from projection_errors order by id`;
    expect(errors.map((e) => [e.block_number, e.tx_id, e.event_name])).toEqual([
      [String(wrongShape.blockNumber), wrongShape.transactionId, 'UserCreated'],
      [String(unknownType.blockNumber), unknownType.transactionId, 'AccountClosed'],
      [String(notJson.blockNumber), notJson.transactionId, 'TransferCompleted'],
      [String(badEntry.blockNumber), badEntry.transactionId, 'CommandsApplied'],
    ]);
    expect(errors[0]!.payload).toContain('not-a-uuid');
    expect(errors[0]!.reason).toMatch(/profileId|walletId/);
    expect(errors[1]!.reason).toBe('unknown event type "AccountClosed"');
    expect(errors[2]!.reason).toBe('payload is not JSON');
    expect(errors[2]!.payload).toBe('\\u0000not json');
    expect(errors[3]!.reason).toMatch(/^results\[0\]: /);

    const [checkpoint] = await database.sql`
      select block_number::text, tx_id from projector_checkpoints where name = 'main'`;
    expect(checkpoint).toEqual({ block_number: String(last.blockNumber), tx_id: last.transactionId });
    const [wallet] = await database.sql`select balance from wallets where id = ${user.walletId}`;
    expect(wallet!.balance).toBe('42');

    const text = await live.registry.metrics();
    expect(text).toContain('projector_events_processed_total{status="validation_failed"} 4');
    expect(text).toContain('projector_events_processed_total{status="success"} 2');
  });
});
