import { describe, expect, it } from 'vitest';
import {
  hash,
  kycReview,
  kycSubmission,
  nextId,
  operator,
  outsider,
  registration,
} from '../testing/commands.js';
import { given } from '../testing/given.js';
import { MemoryLedgerState } from '../testing/memoryLedgerState.js';
import { applyCommand } from './applyCommand.js';
import { readUser } from './records.js';

async function pendingUser(state: MemoryLedgerState): Promise<string> {
  const register = registration();
  await given(state, register, kycSubmission(register.args.profileId));
  return register.args.profileId;
}

describe('ReviewKyc', () => {
  it('approves a PENDING submission', async () => {
    const state = new MemoryLedgerState();
    const profileId = await pendingUser(state);

    const review = kycReview(profileId, 'APPROVE');
    expect(await applyCommand(state, review, operator)).toEqual({
      commandId: review.commandId,
      outcome: 'APPLIED',
      event: {
        name: 'KycReviewed',
        payload: { commandId: review.commandId, profileId, decision: 'APPROVE', reasonHash: null },
      },
    });
    expect((await readUser(state, profileId))?.kyc).toMatchObject({
      status: 'APPROVED',
      documentHash: hash('d'),
    });
  });

  it('rejects a PENDING submission and keeps the reason hash', async () => {
    const state = new MemoryLedgerState();
    const profileId = await pendingUser(state);

    expect(await applyCommand(state, kycReview(profileId, 'REJECT'), operator)).toMatchObject({
      outcome: 'APPLIED',
      event: { name: 'KycReviewed', payload: { decision: 'REJECT', reasonHash: hash('e') } },
    });
    expect((await readUser(state, profileId))?.kyc).toMatchObject({
      status: 'REJECTED',
      reasonHash: hash('e'),
    });
  });

  it('needs a PENDING submission', async () => {
    const state = new MemoryLedgerState();
    const register = registration();
    const { profileId } = register.args;
    await given(state, register);

    expect(await applyCommand(state, kycReview(profileId, 'APPROVE'), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `no PENDING KYC submission for user ${profileId} (KYC is NONE)`,
    });
    await given(state, kycSubmission(profileId), kycReview(profileId, 'APPROVE'));
    expect(await applyCommand(state, kycReview(profileId, 'REJECT'), operator)).toMatchObject({
      outcome: 'REJECTED',
      reason: `no PENDING KYC submission for user ${profileId} (KYC is APPROVED)`,
    });
  });

  it('is only for the operator', async () => {
    const state = new MemoryLedgerState();
    const profileId = await pendingUser(state);
    const before = state.snapshot();

    expect(await applyCommand(state, kycReview(profileId, 'APPROVE'), outsider)).toMatchObject({
      outcome: 'REJECTED',
      reason: 'ReviewKyc is only for the operator (MSP GxMSP), caller is OtherMSP',
    });
    expect((await readUser(state, profileId))?.kyc.status).toBe('PENDING');
    expect(state.entries.size).toBe(before.size + 1); // only the command's outcome
  });

  it('refuses a user that does not exist', async () => {
    const profileId = nextId();
    expect(
      await applyCommand(new MemoryLedgerState(), kycReview(profileId, 'APPROVE'), operator),
    ).toMatchObject({
      outcome: 'REJECTED',
      reason: `user ${profileId} does not exist`,
    });
  });
});
