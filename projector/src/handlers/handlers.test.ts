import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@gx/schema';
import { describe, expect, it } from 'vitest';
import { ReadModelTransaction } from '../model/readModelTransaction.js';
import { applyEvent, type CommandRecord } from './index.js';

const hash = 'b'.repeat(64);
const at = '2026-01-02 03:04:05.123456+00';
const profileId = randomUUID();
const walletId = randomUUID();
const otherWallet = randomUUID();
const otherProfile = randomUUID();

function projected(event: DomainEvent, payload: Record<string, unknown> = {}, blockNumber = 5n) {
  const command: CommandRecord = { id: event.payload.commandId, type: 'X', payload, createdAt: at };
  return { ...event, commandId: event.payload.commandId, blockNumber, transactionId: 'tx', command, at };
}

const created = (profile = profileId, wallet = walletId) =>
  projected(
    {
      name: 'UserCreated',
      payload: {
        commandId: randomUUID(),
        profileId: profile,
        walletId: wallet,
        country: 'DE',
        accountType: 'BUSINESS',
        profileHash: hash,
      },
    },
    { email: 'ada@example.com', firstName: 'Ada', lastName: 'King' },
    1n,
  );

async function applyTwice(models: ReadModelTransaction, event: ReturnType<typeof projected>) {
  await applyEvent(event, models);
  const once = structuredClone(models.changes);
  await applyEvent(event, models);
  expect(models.changes).toEqual(once);
  return once;
}

describe('handlers (each idempotent on its own)', () => {
  it('UserCreated: an ACTIVE profile with the command row personal fields and an empty wallet', async () => {
    const models = ReadModelTransaction.empty();
    const changes = await applyTwice(models, created());
    expect(changes.profiles).toEqual([
      expect.objectContaining({
        id: profileId,
        email: 'ada@example.com',
        status: 'ACTIVE',
        kycStatus: 'NONE',
      }),
    ]);
    expect(changes.wallets).toEqual([
      { id: walletId, profileId, balance: '0', blockNumber: 1n, updatedAt: at },
    ]);
  });

  it('ProfileUpdated, KycSubmitted, KycReviewed: fields from the event and the command row', async () => {
    const models = ReadModelTransaction.empty();
    await applyEvent(created(), models);
    await applyTwice(
      models,
      projected(
        {
          name: 'ProfileUpdated',
          payload: { commandId: randomUUID(), profileId, country: 'FR', profileHash: hash },
        },
        { firstName: 'Augusta' },
      ),
    );
    await applyTwice(
      models,
      projected({
        name: 'KycSubmitted',
        payload: { commandId: randomUUID(), profileId, documentType: 'PASSPORT', documentHash: hash },
      }),
    );
    await applyTwice(
      models,
      projected(
        {
          name: 'KycReviewed',
          payload: { commandId: randomUUID(), profileId, decision: 'REJECT', reasonHash: hash },
        },
        { reason: 'expired' },
      ),
    );
    expect(models.profile(profileId)).toMatchObject({
      firstName: 'Augusta',
      lastName: 'King',
      country: 'FR',
      kycStatus: 'REJECTED',
    });
    expect(models.kyc(profileId)).toMatchObject({
      status: 'REJECTED',
      documentType: 'PASSPORT',
      reason: 'expired',
      submittedAt: at,
      reviewedAt: at,
    });
  });

  it('TransferCompleted: balances from the event, one row per side, never rolled back by an older event', async () => {
    const models = ReadModelTransaction.empty();
    await applyEvent(created(), models);
    await applyEvent(created(otherProfile, otherWallet), models);
    const transfer = projected(
      {
        name: 'TransferCompleted',
        payload: {
          commandId: randomUUID(),
          fromWalletId: walletId,
          toWalletId: otherWallet,
          amount: '40',
          fromBalance: '60',
          toBalance: '40',
        },
      },
      { memo: 'rent' },
      7n,
    );
    const changes = await applyTwice(models, transfer);
    expect(
      changes.transactions.map((t) => [t.direction, t.profileId, t.counterpartyProfileId, t.memo]),
    ).toEqual([
      ['IN', otherProfile, profileId, 'rent'],
      ['OUT', profileId, otherProfile, 'rent'],
    ]);
    expect(models.wallet(walletId)).toMatchObject({ balance: '60', blockNumber: 7n });

    const older = projected(
      {
        name: 'TransferCompleted',
        payload: {
          commandId: randomUUID(),
          fromWalletId: null,
          toWalletId: walletId,
          amount: '100',
          fromBalance: null,
          toBalance: '100',
        },
      },
      {},
      6n,
    );
    await applyEvent(older, models);
    expect(models.wallet(walletId)).toMatchObject({ balance: '60', blockNumber: 7n });
    const mint = models.changes.transactions.at(-1)!;
    expect(mint).toMatchObject({ direction: 'IN', counterpartyWalletId: null, counterpartyProfileId: null });
  });
});
