import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from './classify.js';
import { ChaincodeRejectedError, LedgerConflictError } from './errors.js';
import type { Ledger } from './ledger.js';
import { minting, registration, transferring } from './testing/commands.js';
import { DevnetFixture, untilReachable } from './testing/ledgerFixture.js';

const fixture = new DevnetFixture({ batchTimeoutMs: 20 });
let ledger: Ledger;

beforeAll(async () => {
  await fixture.start();
  ledger = await fixture.connect();
});
afterAll(async () => {
  ledger?.close();
  await fixture.destroy();
});

async function commit(...commands: Parameters<Ledger['prepare']>[0]) {
  const prepared = await ledger.prepare(commands);
  return ledger.submitPrepared(prepared.envelope);
}

async function funded(amount: string) {
  const user = registration();
  await commit(user, minting(user.args.walletId, amount));
  return user.args.walletId;
}

describe('prepare and submitPrepared', () => {
  it('commit a single command through its own function, with its verdict in the result', async () => {
    const user = registration();
    const prepared = await ledger.prepare([user]);
    expect(prepared.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(prepared.results).toEqual([{ commandId: user.commandId, outcome: 'APPLIED' }]);
    const committed = await ledger.submitPrepared(prepared.envelope);
    expect(committed.transactionId).toBe(prepared.transactionId);
    expect(committed.blockNumber).toBeGreaterThan(0n);
    expect(classify(committed.results[0])).toEqual({ kind: 'applied' });
  });

  it('commit a batch with per-command outcomes, a refusal among them', async () => {
    const user = registration();
    const commands = [
      user,
      transferring(user.args.walletId, registration().args.walletId, '5'),
      minting(user.args.walletId, '7'),
    ];
    const committed = await commit(...commands);
    expect(committed.results.map((r) => r.outcome)).toEqual(['APPLIED', 'REJECTED', 'APPLIED']);
    expect(classify(committed.results[1])).toEqual({
      kind: 'rejected',
      reason: expect.stringContaining('does not exist'),
    });
  });
});

describe('classify, from real causes', () => {
  it('a refused transfer is rejected, with the chaincode reason', async () => {
    const from = await funded('3');
    const to = await funded('1');
    const error = await ledger.prepare([transferring(from, to, '10')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChaincodeRejectedError);
    expect(classify(error)).toEqual({
      kind: 'rejected',
      reason: expect.stringMatching(/insufficient funds/),
    });
  });

  it('a repeated command id is already applied, alone and inside a batch', async () => {
    const user = registration();
    await commit(user);
    const again = await commit(user);
    expect(classify(again.results[0])).toEqual({ kind: 'already-applied' });
    const inBatch = await commit(user, minting(user.args.walletId, '1'));
    expect(inBatch.results.map((r) => classify(r).kind)).toEqual(['already-applied', 'applied']);
  });

  it('two transfers racing on one balance: one commits, the other is a conflict', async () => {
    const from = await funded('10');
    const to = await funded('1');
    const first = [transferring(from, to, '6')];
    const second = [transferring(from, to, '6')];
    const [a, b] = await Promise.all([ledger.prepare(first), ledger.prepare(second)]);
    const outcomes = await Promise.allSettled([
      ledger.submitPrepared(a.envelope),
      ledger.submitPrepared(b.envelope),
    ]);
    const failures = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => (o as PromiseRejectedResult).reason);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(LedgerConflictError);
    expect(classify(failures[0])).toEqual({ kind: 'conflict', reason: 'MVCC_READ_CONFLICT' });
  });

  it('devnet down is transient', async () => {
    await fixture.stop();
    try {
      const error = await ledger.prepare([registration()]).catch((e: unknown) => e);
      expect(classify(error)).toMatchObject({
        kind: 'transient',
        reason: expect.stringContaining('UNAVAILABLE'),
      });
    } finally {
      await fixture.start();
      await untilReachable(ledger);
    }
  });
});

describe('after a crash', () => {
  it('prepare, crash, lookup finds nothing, then the stored envelope commits', async () => {
    const user = registration();
    const prepared = await ledger.prepare([user]);
    const stored = Buffer.from(prepared.envelope);
    const crashed = await fixture.connect();
    crashed.close(); // the process that prepared it is gone; only the stored envelope remains

    const survivor = await fixture.connect();
    try {
      expect(await survivor.lookup(prepared.transactionId)).toEqual({ found: false });
      const committed = await survivor.submitPrepared(stored);
      expect(committed.transactionId).toBe(prepared.transactionId);
      expect(await survivor.lookup(prepared.transactionId)).toEqual({
        found: true,
        valid: true,
        code: 0,
        codeName: 'VALID',
        blockNumber: committed.blockNumber,
      });
    } finally {
      survivor.close();
    }
  });

  it("submitPrepared twice: the second answer is the first one's outcome", async () => {
    const user = registration();
    const prepared = await ledger.prepare([user]);
    const first = await ledger.submitPrepared(prepared.envelope);
    const second = await ledger.submitPrepared(prepared.envelope);
    expect(second).toEqual(first);
  });
});
