import { describe, expect, it } from 'vitest';
import { minting, nextId, operator, outsider, registration, transferring } from '../testing/commands.js';
import { given } from '../testing/given.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyCommand } from './applyCommand.js';
import { readWallet } from './records.js';

/** Two registered users without KYC approval; the first wallet holds 100. */
async function twoWallets(state: MemoryLedgerState): Promise<[string, string]> {
  const alice = registration();
  const bob = registration();
  await given(state, alice, bob, minting(alice.args.walletId, '100'));
  return [alice.args.walletId, bob.args.walletId];
}

describe('Transfer', () => {
  it('moves the amount between wallets without KYC approval and announces both balances', async () => {
    const state = new MemoryLedgerState();
    const [from, to] = await twoWallets(state);

    const transfer = transferring(from, to, '30');
    expect(await applyCommand(state, transfer, outsider)).toEqual({
      commandId: transfer.commandId,
      outcome: 'APPLIED',
      event: {
        name: 'TransferCompleted',
        payload: {
          commandId: transfer.commandId,
          fromWalletId: from,
          toWalletId: to,
          amount: '30',
          fromBalance: '70',
          toBalance: '30',
        },
      },
    });
    expect((await readWallet(state, from))?.balance).toBe('70');
    expect((await readWallet(state, to))?.balance).toBe('30');
  });

  it('may empty a wallet to exactly zero', async () => {
    const state = new MemoryLedgerState();
    const [from, to] = await twoWallets(state);
    expect(await applyCommand(state, transferring(from, to, '100'), operator)).toMatchObject({
      event: { payload: { fromBalance: '0', toBalance: '100' } },
    });
  });

  it('never leaves a balance below zero', async () => {
    const state = new MemoryLedgerState();
    const [from, to] = await twoWallets(state);
    const before = (await readWallet(state, to))?.balance;

    expect(await applyCommand(state, transferring(from, to, '101'), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `insufficient funds: wallet ${from} has 100, needs 101`,
    });
    expect((await readWallet(state, from))?.balance).toBe('100');
    expect((await readWallet(state, to))?.balance).toBe(before);
  });

  it('refuses a transfer to the same wallet', async () => {
    const state = new MemoryLedgerState();
    const [from] = await twoWallets(state);
    expect(await applyCommand(state, transferring(from, from, '1'), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: 'cannot transfer to the same wallet',
    });
  });

  it('refuses a sender or recipient wallet that does not exist', async () => {
    const state = new MemoryLedgerState();
    const [from] = await twoWallets(state);
    const missing = nextId();

    expect(await applyCommand(state, transferring(missing, from, '1'), operator)).toMatchObject({
      reason: `wallet ${missing} does not exist`,
    });
    expect(await applyCommand(state, transferring(from, missing, '1'), operator)).toMatchObject({
      reason: `wallet ${missing} does not exist`,
    });
    expect((await readWallet(state, from))?.balance).toBe('100');
  });
});
