import { CommandsApplied } from '@gx/schema';
import { describe, expect, it } from 'vitest';
import {
  command,
  hash,
  kycReview,
  kycSubmission,
  minting,
  nextId,
  operator,
  outsider,
  registration,
  transferring,
} from '../testing/commands.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyBatch } from './applyBatch.js';
import { readWallet } from './records.js';

describe('applyBatch', () => {
  it('applies in order: a refusal in the middle leaves the others applied, later ones see earlier writes', async () => {
    const state = new MemoryLedgerState();
    const alice = registration();
    const bob = registration();
    const refused = minting(nextId(), '5');
    const mint = minting(alice.args.walletId, '40');
    const transfer = transferring(alice.args.walletId, bob.args.walletId, '15');

    const { results } = await applyBatch(state, [alice, bob, refused, mint, transfer], operator);

    expect(results.map((r) => [r.commandId, r.outcome])).toEqual([
      [alice.commandId, 'APPLIED'],
      [bob.commandId, 'APPLIED'],
      [refused.commandId, 'REJECTED'],
      [mint.commandId, 'APPLIED'],
      [transfer.commandId, 'APPLIED'],
    ]);
    expect(results[2]).toMatchObject({ reason: `wallet ${refused.args.toWalletId} does not exist` });
    expect(results[4]).toMatchObject({ event: { payload: { fromBalance: '25', toBalance: '15' } } });
  });

  it('lets a second transfer from one wallet see the first debit, and refuses a third that would overdraw', async () => {
    const state = new MemoryLedgerState();
    const alice = registration();
    const bob = registration();
    const from = alice.args.walletId;
    const to = bob.args.walletId;

    const { results } = await applyBatch(
      state,
      [
        alice,
        bob,
        minting(from, '100'),
        transferring(from, to, '60'),
        transferring(from, to, '30'),
        transferring(from, to, '20'),
      ],
      operator,
    );

    expect(results[3]).toMatchObject({ outcome: 'APPLIED', event: { payload: { fromBalance: '40' } } });
    expect(results[4]).toMatchObject({
      outcome: 'APPLIED',
      event: { payload: { fromBalance: '10', toBalance: '90' } },
    });
    expect(results[5]).toMatchObject({
      outcome: 'REJECTED',
      reason: `insufficient funds: wallet ${from} has 10, needs 20`,
    });
    expect((await readWallet(state, from))?.balance).toBe('10');
    expect((await readWallet(state, to))?.balance).toBe('90');
  });

  it('catches a command id repeated inside one batch and across batches', async () => {
    const state = new MemoryLedgerState();
    const alice = registration();
    const mint = minting(alice.args.walletId, '7');

    const first = await applyBatch(state, [alice, mint, mint], operator);
    expect(first.results.map((r) => r.outcome)).toEqual(['APPLIED', 'APPLIED', 'ALREADY_APPLIED']);
    expect(first.results[2]).toEqual({ commandId: mint.commandId, outcome: 'ALREADY_APPLIED' });
    const afterFirst = state.snapshot();

    const second = await applyBatch(state, [mint, alice], operator);
    expect(second.results).toEqual([
      { commandId: mint.commandId, outcome: 'ALREADY_APPLIED' },
      { commandId: alice.commandId, outcome: 'ALREADY_APPLIED' },
    ]);
    expect(state.entries).toEqual(afterFirst);
    expect((await readWallet(state, alice.args.walletId))?.balance).toBe('7');
  });

  it('repeats a refusal with its first reason', async () => {
    const state = new MemoryLedgerState();
    const alice = registration();
    const mint = minting(alice.args.walletId, '7');
    const reason = 'Mint is only for the operator (MSP GxMSP), caller is OtherMSP';

    expect((await applyBatch(state, [alice, mint, mint], outsider)).results.slice(1)).toEqual([
      { commandId: mint.commandId, outcome: 'REJECTED', reason },
      { commandId: mint.commandId, outcome: 'REJECTED', reason },
    ]);
    expect((await applyBatch(state, [mint], operator)).results).toEqual([
      { commandId: mint.commandId, outcome: 'REJECTED', reason },
    ]);
    expect((await readWallet(state, alice.args.walletId))?.balance).toBe('0');
  });

  it("announces every command type with the event payloads of schema's contract", async () => {
    const alice = registration();
    const bob = registration();
    const { profileId, walletId } = alice.args;
    const applied = await applyBatch(
      new MemoryLedgerState(),
      [
        alice,
        bob,
        command('UPDATE_PROFILE', { profileId, country: 'FR', profileHash: hash('b') }),
        kycSubmission(profileId),
        kycReview(profileId, 'REJECT'),
        minting(walletId, '9'),
        transferring(walletId, bob.args.walletId, '4'),
      ],
      operator,
    );

    expect(CommandsApplied.parse(applied)).toEqual(applied);
    expect(applied.results.map((result) => result.outcome === 'APPLIED' && result.event.name)).toEqual([
      'UserCreated',
      'UserCreated',
      'ProfileUpdated',
      'KycSubmitted',
      'KycReviewed',
      'TransferCompleted',
      'TransferCompleted',
    ]);
  });
});
