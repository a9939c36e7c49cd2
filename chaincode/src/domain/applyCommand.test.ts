import { describe, expect, it } from 'vitest';
import { minting, operator, outsider, registration } from '../testing/commands.js';
import { given } from '../testing/given.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyCommand } from './applyCommand.js';
import type { LedgerState } from './ledgerState.js';
import { readCommand, readWallet } from './records.js';

describe('applyCommand', () => {
  it('records the outcome of each command id', async () => {
    const state = new MemoryLedgerState();
    const register = registration();
    const refused = minting(register.args.walletId, '1');
    await applyCommand(state, register, operator);
    await applyCommand(state, refused, outsider);

    expect(await readCommand(state, register.commandId)).toEqual({ outcome: 'APPLIED' });
    expect(await readCommand(state, refused.commandId)).toEqual({
      outcome: 'REJECTED',
      reason: 'Mint is only for the operator (MSP GxMSP), caller is OtherMSP',
    });
  });

  it('answers a repeated applied command ALREADY_APPLIED, with no event, changing nothing', async () => {
    const state = new MemoryLedgerState();
    const register = registration();
    const mint = minting(register.args.walletId, '10');
    await given(state, register, mint);
    const before = state.snapshot();

    expect(await applyCommand(state, mint, operator)).toEqual({
      commandId: mint.commandId,
      outcome: 'ALREADY_APPLIED',
    });
    expect(state.entries).toEqual(before);
    expect((await readWallet(state, register.args.walletId))?.balance).toBe('10');
  });

  it('answers a repeated refused command with its first reason, even when it would now pass', async () => {
    const state = new MemoryLedgerState();
    const register = registration();
    await given(state, register);
    const mint = minting(register.args.walletId, '10');
    await applyCommand(state, mint, outsider);
    const before = state.snapshot();

    expect(await applyCommand(state, mint, operator)).toEqual({
      commandId: mint.commandId,
      outcome: 'REJECTED',
      reason: 'Mint is only for the operator (MSP GxMSP), caller is OtherMSP',
    });
    expect(state.entries).toEqual(before);
  });

  it('lets a fault of the state propagate instead of recording it as a refusal', async () => {
    const failing: LedgerState = {
      get: async () => {
        throw new Error('peer unreachable');
      },
      put: async () => {},
    };
    await expect(applyCommand(failing, registration(), operator)).rejects.toThrow('peer unreachable');
  });
});
