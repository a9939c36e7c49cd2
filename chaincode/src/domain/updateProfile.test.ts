import { describe, expect, it } from 'vitest';
import { command, hash, nextId, operator, registration } from '../testing/commands.js';
import { given } from '../testing/given.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyCommand } from './applyCommand.js';
import { readUser } from './records.js';

describe('UpdateProfile', () => {
  it('replaces the country and profile hash of an existing user', async () => {
    const state = new MemoryLedgerState();
    const register = registration();
    const { profileId } = register.args;
    await given(state, register);

    const update = command('UPDATE_PROFILE', { profileId, country: 'FR', profileHash: hash('b') });
    expect(await applyCommand(state, update, operator)).toEqual({
      commandId: update.commandId,
      outcome: 'APPLIED',
      event: {
        name: 'ProfileUpdated',
        payload: { commandId: update.commandId, profileId, country: 'FR', profileHash: hash('b') },
      },
    });
    expect(await readUser(state, profileId)).toMatchObject({
      country: 'FR',
      profileHash: hash('b'),
      walletId: register.args.walletId,
      kyc: { status: 'NONE' },
    });
  });

  it('refuses a user that does not exist', async () => {
    const state = new MemoryLedgerState();
    const profileId = nextId();
    const update = command('UPDATE_PROFILE', { profileId, country: 'FR', profileHash: hash('b') });
    expect(await applyCommand(state, update, operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `user ${profileId} does not exist`,
    });
  });
});
