import { randomUUID } from 'node:crypto';
import type { LedgerEvent } from '@gx/fabric';
import { describe, expect, it } from 'vitest';
import { unpack } from './unpack.js';

const hash = 'a'.repeat(64);
const event = (eventName: string, payload: unknown): LedgerEvent => ({
  blockNumber: 7n,
  transactionId: 'tx7',
  eventName,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
});
const userCreated = () => ({
  commandId: randomUUID(),
  profileId: randomUUID(),
  walletId: randomUUID(),
  country: 'DE',
  accountType: 'INDIVIDUAL',
  profileHash: hash,
});

describe('unpack', () => {
  it('validates a single domain event', () => {
    const payload = userCreated();
    expect(unpack(event('UserCreated', payload)).work).toEqual([
      { kind: 'apply', commandId: payload.commandId, event: { name: 'UserCreated', payload } },
    ]);
  });

  it('unpacks a batch into its domain events and refusals, in order; a repeat carries nothing', () => {
    const first = userCreated();
    const refused = randomUUID();
    const repeat = randomUUID();
    const batch = {
      results: [
        { commandId: first.commandId, outcome: 'APPLIED', event: { name: 'UserCreated', payload: first } },
        { commandId: refused, outcome: 'REJECTED', reason: 'insufficient funds' },
        { commandId: repeat, outcome: 'ALREADY_APPLIED' },
      ],
    };
    expect(unpack(event('CommandsApplied', batch)).work).toEqual([
      { kind: 'apply', commandId: first.commandId, event: { name: 'UserCreated', payload: first } },
      { kind: 'reject', commandId: refused, reason: 'insufficient funds' },
    ]);
  });

  it('turns what does not validate into quarantined work, never a throw', () => {
    const [notJson] = unpack(event('UserCreated', '{oops')).work;
    expect(notJson).toMatchObject({ kind: 'invalid', reason: 'payload is not JSON', payload: '{oops' });

    const [wrongShape] = unpack(event('UserCreated', { ...userCreated(), country: 'XX' })).work;
    expect(wrongShape).toMatchObject({ kind: 'invalid', eventName: 'UserCreated' });
    expect((wrongShape as { reason: string }).reason).toContain('country');

    const [unknown] = unpack(event('AccountClosed', { commandId: randomUUID() })).work;
    expect(unknown).toMatchObject({ kind: 'invalid', reason: 'unknown event type "AccountClosed"' });

    const [notBatch] = unpack(event('CommandsApplied', { outcomes: [] })).work;
    expect(notBatch).toMatchObject({ kind: 'invalid', eventName: 'CommandsApplied' });
  });

  it('quarantines only the bad entry of a batch', () => {
    const good = userCreated();
    const work = unpack(
      event('CommandsApplied', {
        results: [
          {
            commandId: randomUUID(),
            outcome: 'APPLIED',
            event: { name: 'UserCreated', payload: { commandId: 1 } },
          },
          { commandId: good.commandId, outcome: 'APPLIED', event: { name: 'UserCreated', payload: good } },
        ],
      }),
    ).work;
    expect(work.map((w) => w.kind)).toEqual(['invalid', 'apply']);
    expect((work[0] as { reason: string }).reason).toMatch(/^results\[0\]: /);
  });
});
