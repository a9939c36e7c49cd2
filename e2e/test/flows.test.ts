// The flows through the whole pipeline: HTTP and a real graphql-ws client against the api,
// the submitter putting the commands on devnet's ledger, the projector writing the read models and
// telling the api. Every part is its own process; nothing is mocked and no test writes a read model.
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Account,
  LOGIN,
  REGISTER,
  registrationInput,
  send,
  signUp,
  untilTerminal,
} from './support/accounts.js';
import { followCommand } from './support/followCommand.js';
import { request, subscriptionClient } from './support/graphql.js';
import { logLatency } from './support/latency.js';
import { adminEmail, Pipeline } from './support/pipeline.js';

const SUBMIT_KYC = /* GraphQL */ `
  mutation($input: SubmitKycInput!) { submitKyc(input: $input) { commandId status profileId } }
`;
const REVIEW_KYC = /* GraphQL */ `
  mutation($input: ReviewKycInput!) { reviewKyc(input: $input) { commandId status profileId } }
`;
const MINT = /* GraphQL */ `
  mutation($input: MintInput!) { mint(input: $input) { commandId status profileId } }
`;
const TRANSFER = /* GraphQL */ `
  mutation($input: TransferInput!) { transfer(input: $input) { commandId status profileId } }
`;
const KYC_STATUS = /* GraphQL */ `
  query($profileId: ID) {
    kycStatus(profileId: $profileId) { profileId status documentType documentHash reason submittedAt reviewedAt }
  }
`;
const TRANSACTIONS = /* GraphQL */ `
  query($first: Int, $after: String) {
    transactions(first: $first, after: $after) {
      edges { cursor node { commandId fabricTxId blockNumber direction amount counterpartyProfileId memo } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const COMMAND = /* GraphQL */ `
  query($id: ID!) { command(id: $id) { status fabricTxId blockNumber errorCode errorMessage } }
`;

interface TransactionPage {
  transactions: {
    edges: { cursor: string; node: Record<string, unknown> }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const happyPath = ['ACCEPTED', 'SUBMITTED', 'COMMITTED', 'PROJECTED'];

let pipeline: Pipeline;
let api: string;
let admin: Account;
const clients: Client[] = [];

beforeAll(async () => {
  pipeline = await Pipeline.start();
  api = pipeline.apiUrl;
  admin = await signUp(api, { email: adminEmail });
}, 180_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(pipeline.describe()));
});

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await pipeline?.destroy();
});

function client(token?: string): Client {
  const created = subscriptionClient(api, token);
  clients.push(created);
  return created;
}

const balanceOf = async (account: Account) =>
  (await request<{ wallet: { balance: string } }>(api, '{ wallet { balance } }', {}, account.accessToken))
    .wallet.balance;

describe('through the whole pipeline', () => {
  it('register → commandStatus ACCEPTED … PROJECTED → login → me and wallet', async () => {
    const input = registrationInput({ firstName: 'Katherine', lastName: 'Johnson', country: 'US' });
    const sentAt = performance.now();
    const receipt = await send(api, REGISTER, input);
    expect(receipt.status).toBe('ACCEPTED');

    // a registration is followed without a token, by whoever holds its id
    const states = await followCommand(client(), receipt.commandId).done;
    const statuses = states.map((s) => s.status);
    logLatency(`register → PROJECTED (received ${statuses.join(' → ')})`, sentAt, states.at(-1)!.receivedAt);
    // in lifecycle order, each once; an intermediate one may be skipped when changes come fast
    expect(statuses).toEqual(happyPath.filter((s) => statuses.includes(s)));
    expect(statuses.at(-1)).toBe('PROJECTED');
    expect(states.at(-1)).toMatchObject({
      id: receipt.commandId,
      type: 'REGISTER',
      fabricTxId: expect.stringMatching(/^[0-9a-f]{64}$/),
      blockNumber: expect.stringMatching(/^\d+$/),
      errorMessage: null,
    });

    const { login } = await request<{ login: { accessToken: string; user: Record<string, unknown> } }>(
      api,
      LOGIN,
      { input: { email: input.email, password: input.password } },
    );
    expect(login.user).toEqual({ id: receipt.profileId, email: input.email, role: 'USER' });
    const read = await request<{ me: Record<string, unknown>; wallet: { id: string; balance: string } }>(
      api,
      `{ me { id email firstName lastName country accountType role status kycStatus wallet { id balance } }
         wallet { id balance } }`,
      {},
      login.accessToken,
    );
    expect(read.me).toEqual({
      id: receipt.profileId,
      email: input.email,
      firstName: 'Katherine',
      lastName: 'Johnson',
      country: 'US',
      accountType: 'INDIVIDUAL',
      role: 'USER',
      status: 'ACTIVE',
      kycStatus: 'NONE',
      wallet: { id: read.wallet.id, balance: '0' },
    });
    expect(read.wallet).toEqual({ id: expect.any(String), balance: '0' });
  });

  it('the admin is the account registered with an address in ADMIN_EMAILS', async () => {
    const me = await request<{ me: { role: string } }>(api, '{ me { role } }', {}, admin.accessToken);
    expect(me.me.role).toBe('ADMIN');
  });

  it('submitKyc → admin reviewKyc → kycStatus, the reason of a rejection taken off-chain', async () => {
    const user = await signUp(api);
    const documentHash = 'c'.repeat(64);
    const kycOf = async (token: string, profileId?: string) =>
      (await request<{ kycStatus: Record<string, unknown> }>(api, KYC_STATUS, { profileId }, token))
        .kycStatus;

    let sentAt = performance.now();
    const submitted = await send(
      api,
      SUBMIT_KYC,
      { documentType: 'PASSPORT', documentHash },
      user.accessToken,
    );
    logLatency('submitKyc → PROJECTED', sentAt, (await projected(submitted, user)).receivedAt);
    expect(await kycOf(user.accessToken)).toMatchObject({ status: 'PENDING', documentType: 'PASSPORT' });

    sentAt = performance.now();
    const rejected = await send(
      api,
      REVIEW_KYC,
      { profileId: user.profileId, decision: 'REJECT', reason: 'document expired' },
      admin.accessToken,
    );
    expect(rejected.profileId).toBe(user.profileId);
    logLatency('reviewKyc → PROJECTED', sentAt, (await projected(rejected, admin)).receivedAt);
    const own = await kycOf(user.accessToken);
    expect(own).toEqual({
      profileId: user.profileId,
      status: 'REJECTED',
      documentType: 'PASSPORT',
      documentHash,
      // the ledger holds only its HMAC; the text comes from the command row
      reason: 'document expired',
      submittedAt: expect.any(String),
      reviewedAt: expect.any(String),
    });
    expect(await kycOf(admin.accessToken, user.profileId)).toEqual(own);
    const me = await request<{ me: { kycStatus: string } }>(
      api,
      '{ me { kycStatus } }',
      {},
      user.accessToken,
    );
    expect(me.me.kycStatus).toBe('REJECTED');

    // a rejected user may submit again; an approval carries no reason
    await projected(
      await send(api, SUBMIT_KYC, { documentType: 'NATIONAL_ID', documentHash }, user.accessToken),
      user,
    );
    await projected(
      await send(api, REVIEW_KYC, { profileId: user.profileId, decision: 'APPROVE' }, admin.accessToken),
      admin,
    );
    expect(await kycOf(user.accessToken)).toMatchObject({
      status: 'APPROVED',
      documentType: 'NATIONAL_ID',
      reason: null,
    });
  });

  it('admin mint → transfer → both balances and both transactions pages', async () => {
    const [alice, bob] = await Promise.all([signUp(api), signUp(api)]);
    const minted = await send(api, MINT, { toProfileId: alice.profileId, amount: '1000' }, admin.accessToken);
    expect(minted.profileId).toBe(alice.profileId);
    await projected(minted, admin);

    const sentAt = performance.now();
    const sent = await send(
      api,
      TRANSFER,
      { toProfileId: bob.profileId, amount: '300', memo: 'for the bike' },
      alice.accessToken,
    );
    const transferred = await projected(sent, alice);
    logLatency('transfer → PROJECTED', sentAt, transferred.receivedAt);
    expect([await balanceOf(alice), await balanceOf(bob)]).toEqual(['700', '300']);

    const page = async (account: Account, variables: Record<string, unknown>) =>
      (await request<TransactionPage>(api, TRANSACTIONS, variables, account.accessToken)).transactions;
    const first = await page(alice, { first: 1 });
    expect(first.edges.map((e) => e.node)).toEqual([
      {
        commandId: sent.commandId,
        fabricTxId: transferred.fabricTxId,
        blockNumber: transferred.blockNumber,
        direction: 'OUT',
        amount: '300',
        counterpartyProfileId: bob.profileId,
        memo: 'for the bike',
      },
    ]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[0]!.cursor });
    const second = await page(alice, { first: 1, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node)).toMatchObject([
      {
        commandId: minted.commandId,
        direction: 'IN',
        amount: '1000',
        counterpartyProfileId: null,
        memo: null,
      },
    ]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(await page(alice, { after: second.pageInfo.endCursor })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });

    const bobs = await page(bob, {});
    expect(bobs.edges.map((e) => e.node)).toEqual([
      {
        commandId: sent.commandId,
        fabricTxId: transferred.fabricTxId,
        blockNumber: transferred.blockNumber,
        direction: 'IN',
        amount: '300',
        counterpartyProfileId: alice.profileId,
        memo: 'for the bike',
      },
    ]);
    expect(bobs.pageInfo.hasNextPage).toBe(false);
  });

  it('transfers sent back to back apply in acceptance order; a refused one between them changes nothing', async () => {
    const [erin, frank] = await Promise.all([signUp(api), signUp(api)]);
    await projected(
      await send(api, MINT, { toProfileId: erin.profileId, amount: '100' }, admin.accessToken),
      admin,
    );
    const receipts = [];
    for (const amount of ['60', '50', '40']) {
      receipts.push(
        await send(
          api,
          TRANSFER,
          { toProfileId: frank.profileId, amount, memo: `part ${amount}` },
          erin.accessToken,
        ),
      );
    }
    // one connection following all three, as a wallet screen would
    const following = client(erin.accessToken);
    const ends = (await Promise.all(receipts.map((r) => followCommand(following, r.commandId).done))).map(
      (states) => states.at(-1)!,
    );
    expect(ends.map((s) => s.status)).toEqual(['PROJECTED', 'REJECTED', 'PROJECTED']);
    // the second saw what the first left: the ledger applied them in acceptance order
    expect(ends[1]!.errorMessage).toBe(`insufficient funds: wallet ${erin.walletId} has 40, needs 50`);
    expect([await balanceOf(erin), await balanceOf(frank)]).toEqual(['0', '100']);

    const page = async (variables: Record<string, unknown>) =>
      (await request<TransactionPage>(api, TRANSACTIONS, variables, erin.accessToken)).transactions;
    const first = await page({ first: 2 });
    expect(first.edges.map((e) => [e.node.direction, e.node.amount, e.node.memo])).toEqual([
      ['OUT', '40', 'part 40'],
      ['OUT', '60', 'part 60'],
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(rest.edges.map((e) => [e.node.direction, e.node.amount])).toEqual([['IN', '100']]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it("a transfer beyond the balance ends REJECTED with the chaincode's reason on the subscription", async () => {
    const [carol, dave] = await Promise.all([signUp(api), signUp(api)]);
    const sentAt = performance.now();
    const receipt = await send(
      api,
      TRANSFER,
      { toProfileId: dave.profileId, amount: '5000' },
      carol.accessToken,
    );
    expect(receipt.status).toBe('ACCEPTED');

    const states = await followCommand(client(carol.accessToken), receipt.commandId).done;
    const last = states.at(-1)!;
    logLatency(
      `refused transfer (received ${states.map((s) => s.status).join(' → ')})`,
      sentAt,
      last.receivedAt,
    );
    expect(last).toMatchObject({
      status: 'REJECTED',
      errorCode: 'REJECTED',
      errorMessage: `insufficient funds: wallet ${carol.walletId} has 0, needs 5000`,
    });
    expect(states.slice(0, -1).map((s) => s.status)).not.toContain('REJECTED');
    const { command } = await request<{ command: Record<string, unknown> }>(
      api,
      COMMAND,
      { id: receipt.commandId },
      carol.accessToken,
    );
    expect(command).toEqual({
      status: 'REJECTED',
      fabricTxId: last.fabricTxId,
      blockNumber: last.blockNumber,
      errorCode: last.errorCode,
      errorMessage: last.errorMessage,
    });
    expect([await balanceOf(carol), await balanceOf(dave)]).toEqual(['0', '0']);
    const none = await request<TransactionPage>(api, TRANSACTIONS, {}, carol.accessToken);
    expect(none.transactions.edges).toEqual([]);
  });
});

/** Follows a write of `account`'s to PROJECTED; the last state received. */
async function projected(receipt: { commandId: string }, account: Account) {
  const states = await untilTerminal(api, receipt.commandId, account.accessToken);
  return states.at(-1)!;
}
