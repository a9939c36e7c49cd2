import { describe, expect, it } from 'vitest';
import { hash, kycReview, kycSubmission, nextId, operator, registration } from '../testing/commands.js';
import { given } from '../testing/given.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyCommand } from './applyCommand.js';
import { readUser } from './records.js';

async function registeredUser(state: MemoryLedgerState): Promise<string> {
  const register = registration();
  await given(state, register);
  return register.args.profileId;
}

describe('SubmitKyc', () => {
  it('moves KYC from NONE to PENDING and announces the document hash', async () => {
    const state = new MemoryLedgerState();
    const profileId = await registeredUser(state);

    const submit = kycSubmission(profileId);
    expect(await applyCommand(state, submit, operator)).toEqual({
      commandId: submit.commandId,
      outcome: 'APPLIED',
      event: {
        name: 'KycSubmitted',
        payload: {
          commandId: submit.commandId,
          profileId,
          documentType: 'PASSPORT',
          documentHash: hash('d'),
        },
      },
    });
    expect((await readUser(state, profileId))?.kyc).toEqual({
      status: 'PENDING',
      documentType: 'PASSPORT',
      documentHash: hash('d'),
      reasonHash: null,
    });
  });

  it('lets a REJECTED user submit again', async () => {
    const state = new MemoryLedgerState();
    const profileId = await registeredUser(state);
    await given(state, kycSubmission(profileId), kycReview(profileId, 'REJECT'));

    expect(await applyCommand(state, kycSubmission(profileId), operator)).toMatchObject({
      outcome: 'APPLIED',
    });
    expect((await readUser(state, profileId))?.kyc).toMatchObject({ status: 'PENDING', reasonHash: null });
  });

  it('refuses while a submission is PENDING', async () => {
    const state = new MemoryLedgerState();
    const profileId = await registeredUser(state);
    await given(state, kycSubmission(profileId));

    expect(await applyCommand(state, kycSubmission(profileId), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `KYC of user ${profileId} is PENDING: a submission is already awaiting review`,
    });
  });

  it('refuses once APPROVED', async () => {
    const state = new MemoryLedgerState();
    const profileId = await registeredUser(state);
    await given(state, kycSubmission(profileId), kycReview(profileId, 'APPROVE'));

    expect(await applyCommand(state, kycSubmission(profileId), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `KYC of user ${profileId} is APPROVED: it cannot be submitted again`,
    });
  });

  it('refuses a user that does not exist', async () => {
    const profileId = nextId();
    expect(await applyCommand(new MemoryLedgerState(), kycSubmission(profileId), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `user ${profileId} does not exist`,
    });
  });
});
