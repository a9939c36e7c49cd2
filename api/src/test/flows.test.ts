// The end-to-end flows through HTTP and a real graphql-ws client, with the projector's part
// played by fixtures: read-model rows and status changes written in one transaction with the
// `gx_command` notice, as the projector writes them. (With the real submitter and projector running,
// the same flows run end to end; see api/README.md.)
import { commands, kycVerifications, notifyCommands, transactions, userProfiles, wallets } from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { CommandPayload } from '@gx/schema';
import { eq, sql } from 'drizzle-orm';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLContext } from '../graphql/context.js';
import { schema } from '../graphql/schema.js';
import { execute, parse } from '../graphqlJs.js';
import type { RunningApi } from '../index.js';
import {
  type Account,
  dataOf,
  gql,
  LOGIN,
  moveCommands,
  projectRegistration,
  type Receipt,
  register,
  registration,
  signUp,
  startTestApi,
  testServices,
  wsClient,
} from './helpers.js';

let database: TestDatabase;
let api: RunningApi;
let admin: Account;
const clients: Client[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database);
  admin = await signUp(api, database, { email: 'admin@example.com' });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await api?.stop();
  await database?.drop();
});

function client(token?: string): Client {
  const c = wsClient(api, token ? { authorization: `Bearer ${token}` } : undefined);
  clients.push(c);
  return c;
}

/** Follows a command to its end; resolves with every state received. */
function followToEnd(c: Client, id: string) {
  const states: { status: string; errorMessage: string | null }[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  /** Resolves once `count` states have arrived. */
  const arrived = (count: number) =>
    new Promise<void>((resolve) => {
      if (states.length >= count) resolve();
      else waiting.push({ count, resolve });
    });
  const done = new Promise<typeof states>((resolve, reject) => {
    c.subscribe<{ commandStatus: (typeof states)[number] }>(
      {
        query: 'subscription($id: ID!) { commandStatus(id: $id) { status errorMessage } }',
        variables: { id },
      },
      {
        next: (r) => {
          if (r.data) states.push(r.data.commandStatus);
          for (const w of waiting) if (states.length >= w.count) w.resolve();
        },
        error: reject,
        complete: () => resolve(states),
      },
    );
  });
  return { arrived, done };
}

async function payloadOf<T extends keyof typeof import('@gx/schema').commandPayloads>(id: string) {
  const [row] = await database.db.select().from(commands).where(eq(commands.id, id));
  return row!.payload as CommandPayload<T>;
}

async function projected(
  tx: Parameters<Parameters<TestDatabase['db']['transaction']>[0]>[0],
  id: string,
  block: bigint,
) {
  await tx
    .update(commands)
    .set({ status: 'PROJECTED', blockNumber: block, projectedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(commands.id, id));
  await notifyCommands(tx, [id]);
}

/** Fixture: the projector applying KycSubmitted or KycReviewed. */
async function projectKyc(id: string, block: bigint) {
  const [row] = await database.db.select().from(commands).where(eq(commands.id, id));
  await database.db.transaction(async (tx) => {
    const now = new Date();
    if (row!.type === 'SUBMIT_KYC') {
      const p = row!.payload as CommandPayload<'SUBMIT_KYC'>;
      await tx
        .insert(kycVerifications)
        .values({
          profileId: p.profileId,
          status: 'PENDING',
          documentType: p.documentType,
          documentHash: p.documentHash,
          submittedAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: kycVerifications.profileId,
          set: {
            status: 'PENDING',
            documentType: p.documentType,
            documentHash: p.documentHash,
            submittedAt: now,
            updatedAt: now,
          },
        });
      await tx.update(userProfiles).set({ kycStatus: 'PENDING' }).where(eq(userProfiles.id, p.profileId));
    } else {
      const p = row!.payload as CommandPayload<'REVIEW_KYC'>;
      const status = p.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
      await tx
        .update(kycVerifications)
        .set({ status, reason: p.reason, reviewedAt: now, updatedAt: now })
        .where(eq(kycVerifications.profileId, p.profileId));
      await tx.update(userProfiles).set({ kycStatus: status }).where(eq(userProfiles.id, p.profileId));
    }
    await projected(tx, id, block);
  });
}

/** Fixture: the projector applying TransferCompleted (a mint has no sender). */
async function projectTransfer(id: string, block: bigint, balances: { from?: string; to: string }, at: Date) {
  const [row] = await database.db.select().from(commands).where(eq(commands.id, id));
  const p = row!.payload as Partial<CommandPayload<'TRANSFER'>> & CommandPayload<'MINT'>;
  await database.db.transaction(async (tx) => {
    const common = {
      commandId: id,
      fabricTxId: `tx-${block}`,
      blockNumber: block,
      amount: p.amount,
      createdAt: at,
    };
    await tx
      .update(wallets)
      .set({ balance: balances.to, blockNumber: block, updatedAt: at })
      .where(eq(wallets.id, p.toWalletId));
    await tx.insert(transactions).values({
      ...common,
      walletId: p.toWalletId,
      profileId: p.toProfileId,
      direction: 'IN',
      counterpartyProfileId: p.fromProfileId ?? null,
      counterpartyWalletId: p.fromWalletId ?? null,
      memo: p.memo ?? null,
    });
    if (p.fromWalletId && balances.from !== undefined) {
      await tx
        .update(wallets)
        .set({ balance: balances.from, blockNumber: block, updatedAt: at })
        .where(eq(wallets.id, p.fromWalletId));
      await tx.insert(transactions).values({
        ...common,
        walletId: p.fromWalletId,
        profileId: p.fromProfileId!,
        direction: 'OUT',
        counterpartyProfileId: p.toProfileId,
        counterpartyWalletId: p.toWalletId,
        memo: p.memo ?? null,
      });
    }
    await projected(tx, id, block);
  });
}

const receiptOf = (data: Record<string, Receipt>) => Object.values(data)[0]!;

async function write(query: string, input: Record<string, unknown>, account: Account): Promise<Receipt> {
  return receiptOf(
    dataOf(await gql<Record<string, Receipt>>(api, query, { input }, { token: account.accessToken })),
  );
}

describe('flows', () => {
  it('register → subscribe → ACCEPTED … PROJECTED → login → me and wallet', async () => {
    const input = registration({ firstName: 'Katherine', lastName: 'Johnson', country: 'US' });
    const receipt = await register(api, input);
    const followed = followToEnd(client(), receipt.commandId);
    await followed.arrived(1);
    // Each change waits for the one before to arrive: changes that come fast may skip a state.
    await moveCommands(database, [receipt.commandId], 'SUBMITTED');
    await followed.arrived(2);
    await moveCommands(database, [receipt.commandId], 'COMMITTED', { blockNumber: 3n });
    await followed.arrived(3);
    await projectRegistration(database, receipt.commandId);
    expect((await followed.done).map((s) => s.status)).toEqual([
      'ACCEPTED',
      'SUBMITTED',
      'COMMITTED',
      'PROJECTED',
    ]);

    const login = dataOf(
      await gql<{ login: { accessToken: string } }>(api, LOGIN, {
        input: { email: input.email, password: input.password },
      }),
    ).login;
    const me = dataOf(
      await gql<{ me: Record<string, unknown>; wallet: { id: string; balance: string } }>(
        api,
        '{ me { id email firstName lastName country accountType role status kycStatus wallet { id balance } } wallet { id balance } }',
        {},
        { token: login.accessToken },
      ),
    );
    const { walletId } = await payloadOf<'REGISTER'>(receipt.commandId);
    expect(me.me).toEqual({
      id: receipt.profileId,
      email: input.email,
      firstName: 'Katherine',
      lastName: 'Johnson',
      country: 'US',
      accountType: 'INDIVIDUAL',
      role: 'USER',
      status: 'ACTIVE',
      kycStatus: 'NONE',
      wallet: { id: walletId, balance: '0' },
    });
    expect(me.wallet).toEqual({ id: walletId, balance: '0' });
  });

  it('submitKyc → admin reviewKyc → kycStatus', async () => {
    const user = await signUp(api, database);
    const KYC =
      'query($id: ID) { kycStatus(profileId: $id) { profileId status documentType documentHash reason submittedAt reviewedAt } }';
    expect(
      dataOf(await gql<{ kycStatus: { status: string } }>(api, KYC, {}, { token: user.accessToken }))
        .kycStatus.status,
    ).toBe('NONE');

    const submitted = await write(
      'mutation($input: SubmitKycInput!) { submitKyc(input: $input) { commandId status profileId } }',
      {
        documentType: 'NATIONAL_ID',
        documentHash: 'c'.repeat(64),
      },
      user,
    );
    const followSubmit = followToEnd(client(user.accessToken), submitted.commandId);
    await followSubmit.arrived(1);
    await projectKyc(submitted.commandId, 5n);
    expect((await followSubmit.done).at(-1)?.status).toBe('PROJECTED');

    const reviewed = await write(
      'mutation($input: ReviewKycInput!) { reviewKyc(input: $input) { commandId status profileId } }',
      {
        profileId: user.profileId,
        decision: 'REJECT',
        reason: 'document expired',
      },
      admin,
    );
    await projectKyc(reviewed.commandId, 6n);

    const own = dataOf(
      await gql<{ kycStatus: Record<string, unknown> }>(api, KYC, {}, { token: user.accessToken }),
    ).kycStatus;
    expect(own).toMatchObject({
      profileId: user.profileId,
      status: 'REJECTED',
      documentType: 'NATIONAL_ID',
      documentHash: 'c'.repeat(64),
      reason: 'document expired',
    });
    expect(own.submittedAt).toEqual(expect.any(String));
    expect(own.reviewedAt).toEqual(expect.any(String));
    const byAdmin = dataOf(
      await gql<{ kycStatus: Record<string, unknown> }>(
        api,
        KYC,
        { id: user.profileId },
        { token: admin.accessToken },
      ),
    );
    expect(byAdmin.kycStatus).toEqual(own);
    const me = dataOf(
      await gql<{ me: { kycStatus: string } }>(api, '{ me { kycStatus } }', {}, { token: user.accessToken }),
    );
    expect(me.me.kycStatus).toBe('REJECTED');
  });

  it('admin mint → transfer → both balances and transactions pages', async () => {
    const [alice, bob] = await Promise.all([signUp(api, database), signUp(api, database)]);
    const minted = await write(
      'mutation($input: MintInput!) { mint(input: $input) { commandId status profileId } }',
      {
        toProfileId: alice.profileId,
        amount: '1000',
      },
      admin,
    );
    await projectTransfer(minted.commandId, 10n, { to: '1000' }, new Date('2026-01-01T10:00:00Z'));
    const sent = await write(
      'mutation($input: TransferInput!) { transfer(input: $input) { commandId status profileId } }',
      {
        toProfileId: bob.profileId,
        amount: '300',
        memo: 'for the bike',
      },
      alice,
    );
    await projectTransfer(sent.commandId, 11n, { from: '700', to: '300' }, new Date('2026-01-01T10:05:00Z'));

    const balance = async (a: Account) =>
      dataOf(
        await gql<{ wallet: { balance: string } }>(
          api,
          '{ wallet { balance } }',
          {},
          { token: a.accessToken },
        ),
      ).wallet.balance;
    expect([await balance(alice), await balance(bob)]).toEqual(['700', '300']);

    const PAGE = `query($first: Int, $after: String) {
      transactions(first: $first, after: $after) {
        edges { cursor node { commandId fabricTxId blockNumber direction amount counterpartyProfileId memo createdAt } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    type Page = {
      transactions: {
        edges: { cursor: string; node: Record<string, unknown> }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const first = dataOf(await gql<Page>(api, PAGE, { first: 1 }, { token: alice.accessToken })).transactions;
    expect(first.edges.map((e) => e.node)).toEqual([
      {
        commandId: sent.commandId,
        fabricTxId: 'tx-11',
        blockNumber: '11',
        direction: 'OUT',
        amount: '300',
        counterpartyProfileId: bob.profileId,
        memo: 'for the bike',
        createdAt: '2026-01-01T10:05:00.000Z',
      },
    ]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[0]!.cursor });
    const second = dataOf(
      await gql<Page>(api, PAGE, { first: 1, after: first.pageInfo.endCursor }, { token: alice.accessToken }),
    ).transactions;
    expect(second.edges.map((e) => e.node)).toMatchObject([
      { commandId: minted.commandId, direction: 'IN', amount: '1000', counterpartyProfileId: null },
    ]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const third = dataOf(
      await gql<Page>(api, PAGE, { after: second.pageInfo.endCursor }, { token: alice.accessToken }),
    ).transactions;
    expect(third).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

    const bobs = dataOf(await gql<Page>(api, PAGE, {}, { token: bob.accessToken })).transactions;
    expect(bobs.edges.map((e) => e.node)).toMatchObject([
      { direction: 'IN', amount: '300', counterpartyProfileId: alice.profileId, memo: 'for the bike' },
    ]);
  });

  it('a transfer beyond the balance ends REJECTED with the reason on the subscription', async () => {
    const [carol, dave] = await Promise.all([signUp(api, database), signUp(api, database)]);
    const receipt = await write(
      'mutation($input: TransferInput!) { transfer(input: $input) { commandId status profileId } }',
      {
        toProfileId: dave.profileId,
        amount: '5000',
      },
      carol,
    );
    const followed = followToEnd(client(carol.accessToken), receipt.commandId);
    await followed.arrived(1);
    await moveCommands(database, [receipt.commandId], 'SUBMITTED');
    await moveCommands(database, [receipt.commandId], 'REJECTED', {
      errorCode: 'CHAINCODE_REJECTED',
      errorMessage: 'insufficient funds: balance 0, transfer 5000',
    });
    const states = await followed.done;
    // SUBMITTED may be skipped when the changes come fast; the first and the terminal state never are
    expect(states[0]).toEqual({ status: 'ACCEPTED', errorMessage: null });
    expect(states.at(-1)).toEqual({
      status: 'REJECTED',
      errorMessage: 'insufficient funds: balance 0, transfer 5000',
    });
    expect(states.map((s) => s.status)).toEqual(expect.arrayContaining(['ACCEPTED', 'REJECTED']));
    expect(states.length).toBeLessThanOrEqual(3);
    const command = dataOf(
      await gql<{ command: Record<string, unknown> }>(
        api,
        'query($id: ID!) { command(id: $id) { type status errorCode errorMessage } }',
        {
          id: receipt.commandId,
        },
        { token: carol.accessToken },
      ),
    ).command;
    expect(command).toEqual({
      type: 'TRANSFER',
      status: 'REJECTED',
      errorCode: 'CHAINCODE_REJECTED',
      errorMessage: 'insufficient funds: balance 0, transfer 5000',
    });
  });

  it("lists a user's own commands newest first, by status and page; an admin's list has everyone's", async () => {
    const [erin, frank] = await Promise.all([signUp(api, database), signUp(api, database)]);
    const UPDATE =
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { commandId status profileId } }';
    const ids = [];
    for (const lastName of ['One', 'Two', 'Three'])
      ids.push((await write(UPDATE, { lastName }, erin)).commandId);
    const franks = (await write(UPDATE, { lastName: 'Other' }, frank)).commandId;
    await moveCommands(database, [ids[0]!], 'PROJECTED');

    const LIST = `query($status: CommandStatus, $first: Int, $after: String) {
      commands(status: $status, first: $first, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } }
    }`;
    type List = {
      commands: {
        edges: { node: { id: string; status: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const page1 = dataOf(await gql<List>(api, LIST, { first: 2 }, { token: erin.accessToken })).commands;
    expect(page1.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = dataOf(
      await gql<List>(api, LIST, { first: 2, after: page1.pageInfo.endCursor }, { token: erin.accessToken }),
    ).commands;
    expect(page2.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const projectedOnly = dataOf(
      await gql<List>(api, LIST, { status: 'PROJECTED' }, { token: erin.accessToken }),
    ).commands;
    expect(projectedOnly.edges.map((e) => e.node.id)).toEqual([ids[0]]);

    const all = dataOf(await gql<List>(api, LIST, { first: 100 }, { token: admin.accessToken })).commands;
    const seen = all.edges.map((e) => e.node.id);
    expect(seen).toEqual(expect.arrayContaining([...ids, franks]));
  });

  it('answers null for an unknown id in queries', async () => {
    const unknown = '0b7c4a8e-5a1f-4c1e-9d3e-2f6b8c9d0a1b';
    expect(
      dataOf(
        await gql(
          api,
          'query($id: ID!) { user(id: $id) { id } command(id: $id) { id } kycStatus(profileId: $id) { status } }',
          { id: unknown },
          { token: admin.accessToken },
        ),
      ),
    ).toEqual({ user: null, command: null, kycStatus: null });
  });

  it('batches the profiles, wallets and roles of a list into one query each', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => signUp(api, database)));
    // the real schema and services over a drizzle instance that counts its queries
    const { services, statements } = testServices(database);
    const aliases = users
      .map((u, i) => `u${i}: user(id: "${u.profileId}") { id role wallet { id } }`)
      .join(' ');
    const result = await execute({
      schema,
      document: parse(`{ ${aliases} }`),
      contextValue: {
        viewer: { profileId: admin.profileId, role: 'ADMIN', expiresAt: Date.now() / 1000 + 60 },
        correlationId: 'test',
        ip: '127.0.0.1',
        services,
        hub: undefined as never,
        subscriber: admin.profileId,
        transport: 'http',
      } satisfies GraphQLContext,
    });
    services.limits.close();
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data ?? {}).map((u) => (u as { id: string }).id)).toEqual(
      users.map((u) => u.profileId),
    );
    // profiles, roles and wallets: one query each, whatever the number of rows
    expect(statements).toHaveLength(3);
  });

  it('reads the profiles and wallets that operations ask for in one turn of the event loop together', async () => {
    const [ann, bob] = await Promise.all([signUp(api, database), signUp(api, database)]);
    const { services, statements } = testServices(database);
    const unknown = '0b7c4a8e-5a1f-4c1e-9d3e-2f6b8c9d0a1b';
    // three operations' loads, each from its own callback, as requests arriving together are
    const inTurn = <T>(load: () => Promise<T>) =>
      new Promise<T>((resolve) => setImmediate(() => resolve(load())));
    const profiles = await Promise.all(
      [ann.profileId, bob.profileId, unknown, 'not-a-uuid'].map((id) =>
        inTurn(() => services.lookups.profile.load(id)),
      ),
    );
    const walletsOf = await Promise.all(
      [bob.profileId, ann.profileId].map((id) => inTurn(() => services.lookups.walletOfProfile.load(id))),
    );
    services.limits.close();
    // an id that is no uuid finds nothing, and fails none of the others' loads in its query
    expect(profiles.map((p) => p?.id ?? null)).toEqual([ann.profileId, bob.profileId, null, null]);
    expect(walletsOf.map((w) => w?.id)).toEqual([bob.walletId, ann.walletId]);
    // DataLoader's default would send one query per callback: five
    expect(statements).toHaveLength(2);
  });
});
