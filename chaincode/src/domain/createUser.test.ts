import { describe, expect, it } from 'vitest';
import { hash, nextId, operator, outsider, registration } from '../testing/commands.js';
import { given } from '../testing/given.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyCommand } from './applyCommand.js';
import { readUser, readWallet } from './records.js';

describe('CreateUser', () => {
  it('creates the user with KYC NONE and an empty wallet, and announces UserCreated', async () => {
    const state = new MemoryLedgerState();
    const register = registration();
    const { profileId, walletId } = register.args;

    const result = await applyCommand(state, register, operator);

    expect(result).toEqual({
      commandId: register.commandId,
      outcome: 'APPLIED',
      event: {
        name: 'UserCreated',
        payload: {
          commandId: register.commandId,
          profileId,
          walletId,
          country: 'DE',
          accountType: 'INDIVIDUAL',
          profileHash: hash('a'),
        },
      },
    });
    expect(await readUser(state, profileId)).toMatchObject({ walletId, kyc: { status: 'NONE' } });
    expect(await readWallet(state, walletId)).toEqual({ walletId, profileId, balance: '0' });
  });

  it('refuses a user id that exists', async () => {
    const state = new MemoryLedgerState();
    const first = registration();
    await given(state, first);

    const again = registration(first.args.profileId);
    expect(await applyCommand(state, again, operator)).toEqual({
      commandId: again.commandId,
      outcome: 'REJECTED',
      reason: `user ${first.args.profileId} already exists`,
    });
    expect(await readWallet(state, again.args.walletId)).toBeUndefined();
  });

  it('refuses a wallet id that exists, even for a new user', async () => {
    const state = new MemoryLedgerState();
    const first = registration();
    await given(state, first);

    const other = registration(nextId(), first.args.walletId);
    expect(await applyCommand(state, other, operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `wallet ${first.args.walletId} already exists`,
    });
    expect(await readUser(state, other.args.profileId)).toBeUndefined();
  });

  it('is open to any caller', async () => {
    expect(await applyCommand(new MemoryLedgerState(), registration(), outsider)).toMatchObject({
      outcome: 'APPLIED',
    });
  });
});
