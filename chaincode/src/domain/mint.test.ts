import { describe, expect, it } from 'vitest';
import { minting, nextId, operator, outsider, registration } from '../testing/commands.js';
import { given } from '../testing/given.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyCommand } from './applyCommand.js';
import { readWallet } from './records.js';

async function emptyWallet(state: MemoryLedgerState): Promise<string> {
  const register = registration();
  await given(state, register);
  return register.args.walletId;
}

describe('Mint', () => {
  it('credits a wallet without KYC approval and announces a transfer with no sender', async () => {
    const state = new MemoryLedgerState();
    const walletId = await emptyWallet(state);

    const mint = minting(walletId, '250');
    expect(await applyCommand(state, mint, operator)).toEqual({
      commandId: mint.commandId,
      outcome: 'APPLIED',
      event: {
        name: 'TransferCompleted',
        payload: {
          commandId: mint.commandId,
          fromWalletId: null,
          toWalletId: walletId,
          amount: '250',
          fromBalance: null,
          toBalance: '250',
        },
      },
    });
    expect((await readWallet(state, walletId))?.balance).toBe('250');
  });

  it('adds exactly, past 30 digits and past what a double holds', async () => {
    const state = new MemoryLedgerState();
    const walletId = await emptyWallet(state);
    const largest = '9'.repeat(30);
    await given(state, minting(walletId, largest), minting(walletId, largest));

    expect(await applyCommand(state, minting(walletId, '2'), operator)).toMatchObject({
      event: { payload: { toBalance: `2${'0'.repeat(30)}` } },
    });
  });

  it('refuses a wallet that does not exist', async () => {
    const walletId = nextId();
    expect(await applyCommand(new MemoryLedgerState(), minting(walletId, '1'), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `wallet ${walletId} does not exist`,
    });
  });

  it('is only for the operator', async () => {
    const state = new MemoryLedgerState();
    const walletId = await emptyWallet(state);

    expect(await applyCommand(state, minting(walletId, '1'), outsider)).toMatchObject({
      outcome: 'REJECTED',
      reason: 'Mint is only for the operator (MSP GxMSP), caller is OtherMSP',
    });
    expect((await readWallet(state, walletId))?.balance).toBe('0');
  });
});
