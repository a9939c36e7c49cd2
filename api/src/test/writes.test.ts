import { randomUUID } from 'node:crypto';
import { channels, commands, createListener } from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { createLogger } from '@gx/runtime';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningApi } from '../index.js';
import { insertCommand } from '../services/commands.js';
import { Hmacs } from '../services/hmac.js';
import { updateProfile } from '../services/profiles.js';
import { transfer } from '../services/wallets.js';
import {
  type Account,
  dataOf,
  errorOf,
  gql,
  moveCommands,
  projectRegistration,
  type Receipt,
  register,
  registration,
  signUp,
  startTestApi,
  testSecrets,
  testServices,
} from './helpers.js';

let database: TestDatabase;
let api: RunningApi;
let alice: Account;
let bob: Account;
let admin: Account;
const hmacs = new Hmacs(Buffer.from(testSecrets.GX_HMAC_KEY, 'utf8'));

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database);
  [alice, bob, admin] = await Promise.all([
    signUp(api, database, { firstName: 'Alice', lastName: 'Liddell', country: 'GB' }),
    signUp(api, database, { firstName: 'Bob', lastName: 'Builder', country: 'DE' }),
    signUp(api, database, { email: 'admin@example.com' }),
  ]);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

async function commandRow(id: string) {
  const [row] = await database.db.select().from(commands).where(eq(commands.id, id));
  return row!;
}

const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { commandId status profileId } }`;
const SUBMIT = `mutation($input: SubmitKycInput!) { submitKyc(input: $input) { commandId status profileId } }`;
const REVIEW = `mutation($input: ReviewKycInput!) { reviewKyc(input: $input) { commandId status profileId } }`;
const MINT = `mutation($input: MintInput!) { mint(input: $input) { commandId status profileId } }`;
const TRANSFER = `mutation($input: TransferInput!) { transfer(input: $input) { commandId status profileId } }`;

async function write(query: string, input: Record<string, unknown>, account: Account) {
  const data = dataOf(
    await gql<Record<string, Receipt>>(api, query, { input }, { token: account.accessToken }),
  );
  return Object.values(data)[0]!;
}

describe('updateProfile', () => {
  it('carries the resulting full profile and its new profileHash; partial updates in a row build on each other', async () => {
    const first = await write(UPDATE, { firstName: 'Alicia' }, alice);
    expect(first).toMatchObject({ status: 'ACCEPTED', profileId: alice.profileId });
    const second = await write(UPDATE, { country: 'FR' }, alice);

    const a = await commandRow(first.commandId);
    const b = await commandRow(second.commandId);
    expect(a).toMatchObject({
      type: 'UPDATE_PROFILE',
      aggregateId: alice.profileId,
      requesterId: alice.profileId,
    });
    expect(a.payload).toMatchObject({ firstName: 'Alicia', lastName: 'Liddell', country: 'GB' });
    // the second sees the first, though neither is projected yet
    expect(b.payload).toMatchObject({ firstName: 'Alicia', lastName: 'Liddell', country: 'FR' });
    expect((b.payload as { profileHash: string }).profileHash).toBe(
      hmacs.profileHash({
        email: alice.email,
        firstName: 'Alicia',
        lastName: 'Liddell',
        country: 'FR',
        accountType: 'INDIVIDUAL',
      }),
    );
    expect(b.seq).toBeGreaterThan(a.seq);
  });

  it('concurrent updates of one profile, partial or naming every field, each build on the one before it (by seq)', async () => {
    const carol = await signUp(api, database, { firstName: 'Carol', lastName: 'Ann', country: 'GB' });
    const { services } = testServices(database);
    const caller = {
      viewer: { profileId: carol.profileId, role: 'USER' as const, expiresAt: Date.now() / 1000 + 60 },
      correlationId: 'concurrent-updates',
      ip: '127.0.0.1',
    };
    const countries = ['FR', 'DE', 'IT', 'ES'];
    const fields = ['firstName', 'lastName', 'country'] as const;
    const changes = Array.from({ length: 12 }, (_, i): Record<string, string> => {
      if (i % 5 === 4) return { firstName: `all-${i}`, lastName: `all-${i}`, country: countries[i % 4]! };
      const field = fields[i % 3]!;
      return { [field]: field === 'country' ? countries[i % 4]! : `${field}-${i}` };
    });
    try {
      // all in one turn: they read the same profile, and the group commit lets one through at a time
      const receipts = await Promise.all(changes.map((change) => updateProfile(services, caller, change)));
      const rows = await Promise.all(receipts.map((receipt) => commandRow(receipt.commandId)));
      const bySeq = rows.toSorted((a, b) => Number(a.seq - b.seq));
      let state: Record<string, string> = { firstName: 'Carol', lastName: 'Ann', country: 'GB' };
      for (const row of bySeq) {
        state = { ...state, ...changes[rows.indexOf(row)] };
        expect(row.payload).toMatchObject(state);
      }
    } finally {
      services.limits.close();
    }
  });

  it('an update naming every field reads nothing but the profile facts, once', async () => {
    const dora = await signUp(api, database, { firstName: 'Dora', lastName: 'Explorer', country: 'ES' });
    const { services, statements } = testServices(database);
    const pendingReads = vi.spyOn(services.lookups.pendingProfile, 'load');
    const caller = {
      viewer: { profileId: dora.profileId, role: 'USER' as const, expiresAt: Date.now() / 1000 + 60 },
      correlationId: 'full-updates',
      ip: '127.0.0.1',
    };
    try {
      const first = await updateProfile(services, caller, { firstName: 'D', lastName: 'E', country: 'PT' });
      const second = await updateProfile(services, caller, { firstName: 'F', lastName: 'G', country: 'IT' });
      expect(pendingReads).not.toHaveBeenCalled();
      expect(statements.filter((text) => !text.includes('pg_notify'))).toEqual([
        expect.stringContaining('"user_profiles"'),
      ]);
      expect((await commandRow(first.commandId)).payload).toMatchObject({ firstName: 'D', country: 'PT' });
      expect((await commandRow(second.commandId)).payload).toEqual({
        profileId: dora.profileId,
        firstName: 'F',
        lastName: 'G',
        country: 'IT',
        profileHash: hmacs.profileHash({
          email: dora.email,
          firstName: 'F',
          lastName: 'G',
          country: 'IT',
          accountType: 'INDIVIDUAL',
        }),
      });
      // a partial update after them builds on the last, as this process remembers it
      const third = await updateProfile(services, caller, { lastName: 'H' });
      expect(pendingReads).not.toHaveBeenCalled();
      expect((await commandRow(third.commandId)).payload).toMatchObject({
        firstName: 'F',
        lastName: 'H',
        country: 'IT',
      });
    } finally {
      services.limits.close();
    }
  });

  it('a partial update builds on what this process last wrote, and reads again once another wrote since', async () => {
    const erin = await signUp(api, database, { firstName: 'Erin', lastName: 'Else', country: 'IE' });
    const caller = {
      viewer: { profileId: erin.profileId, role: 'USER' as const, expiresAt: Date.now() / 1000 + 60 },
      correlationId: 'remembered',
      ip: '127.0.0.1',
    };
    const { services } = testServices(database);
    // another api process: its own memory of what it wrote
    const { services: other } = testServices(database);
    const pendingReads = vi.spyOn(services.lookups.pendingProfile, 'load');
    const payloadOf = async (receipt: { commandId: string }) => (await commandRow(receipt.commandId)).payload;
    try {
      await updateProfile(services, caller, { country: 'FR' }); // nothing remembered: it reads
      const second = await updateProfile(services, caller, { lastName: 'Second' });
      expect(pendingReads).toHaveBeenCalledOnce();
      expect(await payloadOf(second)).toMatchObject({ firstName: 'Erin', lastName: 'Second', country: 'FR' });

      await updateProfile(other, caller, { firstName: 'Other' });
      const third = await updateProfile(services, caller, { country: 'DE' });

      // what it remembered failed the check under the lock: it read, and built on the other's update
      expect(pendingReads).toHaveBeenCalledTimes(2);
      expect(await payloadOf(third)).toMatchObject({ firstName: 'Other', lastName: 'Second', country: 'DE' });
    } finally {
      services.limits.close();
      other.limits.close();
    }
  });

  it('a write whose profile changed after every read takes the lock before it reads', async () => {
    const { services } = testServices(database);
    let unlockedReads = 0;
    let lockedReads = 0;
    const receipt = await insertCommand(
      services,
      { requesterId: alice.profileId, idempotencyKey: undefined, fingerprint: 'f', correlationId: 'stale' },
      {
        type: 'UPDATE_PROFILE',
        aggregateId: alice.profileId,
        read: (connection) => {
          lockedReads++;
          return connection`select 1 as one`;
        },
        optimistic: {
          read: async () => {
            unlockedReads++;
            return [{ one: 1 }];
          },
          builtOn: () => ({ firstName: randomUUID(), lastName: 'Never', country: 'GB' }),
        },
        build: () => ({
          profileId: alice.profileId,
          firstName: 'Stale',
          lastName: 'Read',
          country: 'GB',
          profileHash: 'a'.repeat(64),
        }),
      },
    );
    services.limits.close();

    expect([unlockedReads, lockedReads]).toEqual([3, 1]);
    expect(await commandRow(receipt.commandId)).toMatchObject({
      status: 'ACCEPTED',
      payload: { firstName: 'Stale' },
    });
  });

  it('needs at least one field', async () => {
    const response = await gql(
      api,
      UPDATE,
      { input: { idempotencyKey: 'nothing' } },
      { token: alice.accessToken },
    );
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
  });
});

describe('KYC', () => {
  it("submitKyc: the caller's own, the document hash lower-cased", async () => {
    const hash = 'AB'.repeat(32);
    const receipt = await write(SUBMIT, { documentType: 'PASSPORT', documentHash: hash }, bob);
    const row = await commandRow(receipt.commandId);
    expect(row).toMatchObject({ type: 'SUBMIT_KYC', aggregateId: bob.profileId });
    expect(row.payload).toEqual({
      profileId: bob.profileId,
      documentType: 'PASSPORT',
      documentHash: 'ab'.repeat(32),
    });
  });

  it('reviewKyc: admin only, a reason for REJECT, the reason kept off-chain with its HMAC', async () => {
    const forbidden = await gql(
      api,
      REVIEW,
      { input: { profileId: bob.profileId, decision: 'APPROVE' } },
      {
        token: bob.accessToken,
      },
    );
    expect(errorOf(forbidden).code).toBe('FORBIDDEN');

    const noReason = await gql(
      api,
      REVIEW,
      { input: { profileId: bob.profileId, decision: 'REJECT' } },
      {
        token: admin.accessToken,
      },
    );
    expect(errorOf(noReason)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });

    const unknown = await gql(
      api,
      REVIEW,
      { input: { profileId: randomUUID(), decision: 'APPROVE' } },
      {
        token: admin.accessToken,
      },
    );
    expect(errorOf(unknown).code).toBe('NOT_FOUND');

    const receipt = await write(
      REVIEW,
      { profileId: bob.profileId, decision: 'REJECT', reason: 'blurred photo' },
      admin,
    );
    const row = await commandRow(receipt.commandId);
    expect(row).toMatchObject({
      type: 'REVIEW_KYC',
      aggregateId: bob.profileId,
      requesterId: admin.profileId,
    });
    expect(row.payload).toEqual({
      profileId: bob.profileId,
      decision: 'REJECT',
      reason: 'blurred photo',
      reasonHash: hmacs.reasonHash('blurred photo'),
    });
  });
});

describe('mint and transfer', () => {
  it("mint: admin only, into the recipient's wallet (its aggregate)", async () => {
    expect(
      errorOf(
        await gql(
          api,
          MINT,
          { input: { toProfileId: alice.profileId, amount: '5' } },
          { token: alice.accessToken },
        ),
      ).code,
    ).toBe('FORBIDDEN');
    const receipt = await write(MINT, { toProfileId: alice.profileId, amount: '1000' }, admin);
    expect(receipt.profileId).toBe(alice.profileId);
    const row = await commandRow(receipt.commandId);
    expect(row).toMatchObject({ type: 'MINT', aggregateId: alice.walletId, touches: [] });
    expect(row.payload).toEqual({ toProfileId: alice.profileId, toWalletId: alice.walletId, amount: '1000' });
    const unknown = await gql(
      api,
      MINT,
      { input: { toProfileId: randomUUID(), amount: '5' } },
      { token: admin.accessToken },
    );
    expect(errorOf(unknown).code).toBe('NOT_FOUND');
  });

  it("transfer: from the caller's wallet (the aggregate), touching the recipient's; the balance is the ledger's to check", async () => {
    const receipt = await write(
      TRANSFER,
      { toProfileId: bob.profileId, amount: '999999999999', memo: 'rent' },
      alice,
    );
    const row = await commandRow(receipt.commandId);
    expect(row).toMatchObject({ type: 'TRANSFER', aggregateId: alice.walletId, touches: [bob.walletId] });
    expect(row.payload).toEqual({
      fromProfileId: alice.profileId,
      fromWalletId: alice.walletId,
      toProfileId: bob.profileId,
      toWalletId: bob.walletId,
      amount: '999999999999',
      memo: 'rent',
    });
    const self = await gql(
      api,
      TRANSFER,
      { input: { toProfileId: alice.profileId, amount: '1' } },
      { token: alice.accessToken },
    );
    expect(errorOf(self)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.toProfileId' });
    const unknown = await gql(
      api,
      TRANSFER,
      { input: { toProfileId: randomUUID(), amount: '1' } },
      { token: alice.accessToken },
    );
    expect(errorOf(unknown).code).toBe('NOT_FOUND');
  });

  it('a recipient not projected yet is NOT_FOUND until it is: a missing wallet is read again', async () => {
    const pending = await register(api, registration());
    const early = await gql(
      api,
      TRANSFER,
      { input: { toProfileId: pending.profileId, amount: '1' } },
      { token: alice.accessToken },
    );
    expect(errorOf(early).code).toBe('NOT_FOUND');
    await projectRegistration(database, pending.commandId);
    const [command] = await database.db.select().from(commands).where(eq(commands.id, pending.commandId));
    const receipt = await write(TRANSFER, { toProfileId: pending.profileId, amount: '1' }, alice);
    expect((await commandRow(receipt.commandId)).touches).toEqual([
      (command!.payload as { walletId: string }).walletId,
    ]);
  });

  it('once both wallets are known, reads nothing outside its transaction, keyed or not, replayed or not', async () => {
    const { services, statements } = testServices(database);
    // what a write reads before its transaction (the outbox's wake-ups are sent after it)
    const reads = () => statements.filter((text) => !text.includes('pg_notify'));
    const caller = {
      viewer: { profileId: alice.profileId, role: 'USER' as const, expiresAt: Date.now() / 1000 + 60 },
      correlationId: 'reads',
      ip: '127.0.0.1',
    };
    try {
      await transfer(services, caller, { toProfileId: bob.profileId, amount: '1' });
      expect(reads()).toEqual([expect.stringContaining('"user_profiles"')]); // the two wallets, once
      const keyed = { toProfileId: bob.profileId, amount: '2', idempotencyKey: 'no-reads-outside' };
      const first = await transfer(services, caller, keyed);
      expect(await transfer(services, caller, keyed)).toEqual(first);
      await expect(transfer(services, caller, { ...keyed, amount: '3' })).rejects.toMatchObject({
        code: 'IDEMPOTENCY_CONFLICT',
      });
      expect(reads()).toHaveLength(1);
      expect(await commandRow(first.commandId)).toMatchObject({ idempotencyKey: 'no-reads-outside' });
    } finally {
      services.limits.close();
    }
  });
});

describe('idempotency', () => {
  it('replays the first receipt with its current status, and refuses the key with another payload or mutation', async () => {
    const input = { toProfileId: bob.profileId, amount: '7', idempotencyKey: 'pay-bob-7' };
    const first = await write(TRANSFER, input, alice);
    await moveCommands(database, [first.commandId], 'SUBMITTED');
    expect(await write(TRANSFER, input, alice)).toEqual({ ...first, status: 'SUBMITTED' });

    const other = await gql(
      api,
      TRANSFER,
      { input: { ...input, amount: '8' } },
      { token: alice.accessToken },
    );
    expect(errorOf(other)).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', commandId: first.commandId });
    const otherMutation = await gql(
      api,
      UPDATE,
      { input: { firstName: 'X', idempotencyKey: 'pay-bob-7' } },
      {
        token: alice.accessToken,
      },
    );
    expect(errorOf(otherMutation)).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      commandId: first.commandId,
    });
  });

  it('answers a replayed key whatever the input would meet: a conflict, not the input rules', async () => {
    const input = { firstName: 'Keyed', idempotencyKey: 'before-checks' };
    const first = await write(UPDATE, input, bob);
    const conflict = await gql(
      api,
      UPDATE,
      { input: { firstName: '<bad>', idempotencyKey: 'before-checks' } },
      {
        token: bob.accessToken,
      },
    );
    expect(errorOf(conflict)).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', commandId: first.commandId });
  });

  it('keeps one key space per caller', async () => {
    const a = await write(UPDATE, { lastName: 'Same', idempotencyKey: 'shared-key' }, alice);
    const b = await write(UPDATE, { lastName: 'Same', idempotencyKey: 'shared-key' }, bob);
    expect(a.commandId).not.toBe(b.commandId);
  });

  it('settles concurrent requests with one key on one command', async () => {
    const input = { toProfileId: bob.profileId, amount: '3', idempotencyKey: 'race-1' };
    const receipts = await Promise.all(Array.from({ length: 5 }, () => write(TRANSFER, input, alice)));
    expect(new Set(receipts.map((r) => r.commandId)).size).toBe(1);
  });
});

describe('correlation and wake-up', () => {
  it('stores the x-request-id on the command row and echoes it', async () => {
    const response = await gql<{ updateProfile: Receipt }>(
      api,
      UPDATE,
      { input: { lastName: 'Traced' } },
      {
        token: alice.accessToken,
        headers: { 'x-request-id': 'req-abc-123' },
      },
    );
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
    expect((await commandRow(dataOf(response).updateProfile.commandId)).correlationId).toBe('req-abc-123');

    const generated = await gql<{ updateProfile: Receipt }>(
      api,
      UPDATE,
      { input: { lastName: 'Traced2' } },
      {
        token: alice.accessToken,
      },
    );
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await commandRow(dataOf(generated).updateProfile.commandId)).correlationId).toBe(id);
  });

  it('wakes the submitter after commit with coalesced gx_outbox notices', async () => {
    const listener = createListener(database.url, {
      logger: createLogger({ service: 'test', level: 'silent', format: 'json' }),
    });
    const notices: number[] = [];
    let visible = true;
    listener.subscribe(channels.outbox, () => notices.push(Date.now()));
    await listener.ready();
    try {
      const receipts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => write(UPDATE, { lastName: `Burst${i}` }, i % 2 ? alice : bob)),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notices.length).toBeGreaterThanOrEqual(1);
      expect(notices.length).toBeLessThan(receipts.length);
      // every receipt's row was committed, so a woken submitter finds it
      for (const r of receipts) visible &&= (await commandRow(r.commandId)) !== undefined;
      expect(visible).toBe(true);
    } finally {
      await listener.close();
    }
  });
});

describe('retryCommand', () => {
  it('redrives a DEAD command as ACCEPTED (admin), and refuses anything else', async () => {
    const receipt = await write(UPDATE, { firstName: 'Dead' }, bob);
    const RETRY = `mutation($id: ID!) { retryCommand(id: $id) { commandId status } }`;
    const notDead = await gql(api, RETRY, { id: receipt.commandId }, { token: admin.accessToken });
    expect(errorOf(notDead)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    await moveCommands(database, [receipt.commandId], 'DEAD', { attempts: 5, errorCode: 'UNAVAILABLE' });
    expect(errorOf(await gql(api, RETRY, { id: receipt.commandId }, { token: bob.accessToken })).code).toBe(
      'FORBIDDEN',
    );
    expect(dataOf(await gql(api, RETRY, { id: receipt.commandId }, { token: admin.accessToken }))).toEqual({
      retryCommand: { commandId: receipt.commandId, status: 'ACCEPTED' },
    });
    expect(await commandRow(receipt.commandId)).toMatchObject({
      status: 'ACCEPTED',
      attempts: 0,
      errorCode: null,
    });
    expect(errorOf(await gql(api, RETRY, { id: randomUUID() }, { token: admin.accessToken })).code).toBe(
      'NOT_FOUND',
    );
  });
});
