import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApi } from '../index.js';
import { readCommands } from '../services/commands.js';
import {
  type Account,
  dataOf,
  gql,
  moveCommands,
  type Receipt,
  register,
  registration,
  signUp,
  startTestApi,
  testSecrets,
  wsClient,
} from './helpers.js';

const FOLLOW = /* GraphQL */ `
  subscription Follow($id: ID!) {
    commandStatus(id: $id) { id type status errorCode errorMessage blockNumber }
  }
`;

interface Followed {
  states: string[];
  messages: { status: string; errorMessage: string | null }[];
  ended: Promise<{ kind: 'complete' } | { kind: 'error'; error: unknown }>;
  /** Resolves once `n` states have arrived. */
  states$(n: number): Promise<string[]>;
}

function follow(client: Client, id: string): Followed {
  const messages: Followed['messages'] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let finish!: (value: Awaited<Followed['ended']>) => void;
  const ended = new Promise<Awaited<Followed['ended']>>((resolve) => {
    finish = resolve;
  });
  client.subscribe<{ commandStatus: { status: string; errorMessage: string | null } }>(
    { query: FOLLOW, variables: { id } },
    {
      next: (result) => {
        if (result.data) messages.push(result.data.commandStatus);
        for (const w of waiters.filter((w) => messages.length >= w.n)) w.resolve();
      },
      error: (error) => finish({ kind: 'error', error }),
      complete: () => finish({ kind: 'complete' }),
    },
  );
  return {
    messages,
    get states() {
      return messages.map((m) => m.status);
    },
    ended,
    states$: (n) =>
      new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${n} states within 5 s, got ${JSON.stringify(messages)}`)),
          5_000,
        );
        const done = () => {
          clearTimeout(timer);
          resolve(messages.map((m) => m.status));
        };
        if (messages.length >= n) done();
        else waiters.push({ n, resolve: done });
      }),
  };
}

async function endedWith(f: Followed, ms = 5_000) {
  return Promise.race([
    f.ended,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the subscription did not end')), ms),
    ),
  ]);
}

/** The error payload of a refused operation: an array of GraphQL errors (an `error` message), not a close. */
function operationErrors(outcome: Awaited<Followed['ended']>) {
  expect(outcome.kind).toBe('error');
  const error = (outcome as { error: unknown }).error;
  expect(Array.isArray(error), `expected an error message, got ${String(error)}`).toBe(true);
  return error as { message: string; extensions?: { code?: string } }[];
}

/** Opens a raw socket with the graphql-ws protocol and reports how it closes. */
function rawSocket(api: RunningApi, connectionParams: Record<string, unknown>, origin?: string) {
  const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', {
    ...(origin ? { origin } : {}),
  });
  const pings: number[] = [];
  socket.on('ping', () => pings.push(Date.now()));
  const acked = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve();
    });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
  const refused = new Promise<number>((resolve) => {
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
  });
  socket.on('error', () => {});
  socket.on('open', () =>
    socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })),
  );
  return { socket, acked, closed, pings, refused };
}

let database: TestDatabase;
let api: RunningApi;
let alice: Account;
let bob: Account;
let admin: Account;
const clients: Client[] = [];

function client(connectionParams?: Record<string, unknown>): Client {
  const c = wsClient(api, connectionParams);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  database = await createTestDatabase();
  // no poll: a test below shows that the LISTEN gap alone recovers a lost notice
  api = await startTestApi(database, { SUBSCRIPTION_POLL_MS: '0' });
  [alice, bob, admin] = await Promise.all([
    signUp(api, database),
    signUp(api, database),
    signUp(api, database, { email: 'admin@example.com' }),
  ]);
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await api?.stop();
  await database?.drop();
});

const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { commandId status profileId } }`;

async function update(account: Account): Promise<Receipt> {
  return dataOf(
    await gql<{ updateProfile: Receipt }>(
      api,
      UPDATE,
      { input: { lastName: 'Sub' } },
      { token: account.accessToken },
    ),
  ).updateProfile;
}

describe('commandStatus', () => {
  it('follows a registration without a token: current state first, later states in order, completes at PROJECTED', async () => {
    const receipt = await register(api, registration());
    const followed = follow(client(), receipt.commandId);
    expect(await followed.states$(1)).toEqual(['ACCEPTED']);

    await moveCommands(database, [receipt.commandId], 'SUBMITTED');
    expect(await followed.states$(2)).toEqual(['ACCEPTED', 'SUBMITTED']);
    await moveCommands(database, [receipt.commandId], 'COMMITTED', { blockNumber: 7n });
    expect(await followed.states$(3)).toEqual(['ACCEPTED', 'SUBMITTED', 'COMMITTED']);
    await moveCommands(database, [receipt.commandId], 'PROJECTED');
    expect(await endedWith(followed)).toEqual({ kind: 'complete' });
    expect(followed.states).toEqual(['ACCEPTED', 'SUBMITTED', 'COMMITTED', 'PROJECTED']);
  });

  it('sends a terminal state that is already there, then completes', async () => {
    const receipt = await update(alice);
    await moveCommands(database, [receipt.commandId], 'REJECTED', {
      errorCode: 'CHAINCODE_REJECTED',
      errorMessage: 'insufficient funds',
    });
    const followed = follow(client({ authorization: `Bearer ${alice.accessToken}` }), receipt.commandId);
    expect(await endedWith(followed)).toEqual({ kind: 'complete' });
    expect(followed.messages).toMatchObject([{ status: 'REJECTED', errorMessage: 'insufficient funds' }]);
  });

  it("refuses someone else's command with FORBIDDEN as an error message, and the socket stays open", async () => {
    const bobs = await update(bob);
    const aliceClient = client({ authorization: `Bearer ${alice.accessToken}` });
    const refused = follow(aliceClient, bobs.commandId);
    const errors = operationErrors(await endedWith(refused));
    expect(errors[0]?.extensions?.code).toBe('FORBIDDEN');

    // same socket, own command: still served
    const own = await update(alice);
    const followed = follow(aliceClient, own.commandId);
    expect(await followed.states$(1)).toEqual(['ACCEPTED']);
    await moveCommands(database, [own.commandId], 'PROJECTED');
    expect(await endedWith(followed)).toEqual({ kind: 'complete' });

    // an admin may follow anyone's
    const adminFollow = follow(client({ authorization: `Bearer ${admin.accessToken}` }), bobs.commandId);
    expect(await adminFollow.states$(1)).toEqual(['ACCEPTED']);
  });

  it('refuses without a token (UNAUTHENTICATED), an unknown id (NOT_FOUND) and a malformed id (BAD_USER_INPUT)', async () => {
    const bobs = await update(bob);
    const anonymous = client();
    expect(operationErrors(await endedWith(follow(anonymous, bobs.commandId)))[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      operationErrors(await endedWith(follow(anonymous, '6f1c2f9e-4c1b-4f7e-9a57-3c1c1f0b9d11')))[0]
        ?.extensions?.code,
    ).toBe('NOT_FOUND');
    const malformed = operationErrors(await endedWith(follow(anonymous, "1' or '1'='1")))[0];
    expect(malformed?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('does not lose a terminal status when the LISTEN connection is killed', async () => {
    const receipt = await update(alice);
    const followed = follow(client({ authorization: `Bearer ${alice.accessToken}` }), receipt.commandId);
    expect(await followed.states$(1)).toEqual(['ACCEPTED']);

    const [killed] = await database.sql<{ n: number }[]>`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where application_name = 'gx-listener' and datname = ${database.name}`;
    expect(killed?.n).toBe(1);
    // the notice of this change goes out while nobody listens
    await moveCommands(database, [receipt.commandId], 'PROJECTED');

    expect(await endedWith(followed, 10_000)).toEqual({ kind: 'complete' });
    expect(followed.states.at(-1)).toBe('PROJECTED');
  });

  it("re-reads, in the safety net's read, only the commands whose status is not the one known", async () => {
    const [moved, still, unknown] = [await update(alice), await update(alice), await update(alice)];
    await moveCommands(database, [moved.commandId], 'SUBMITTED');
    const ids = [moved.commandId, still.commandId, unknown.commandId];
    const found = await readCommands(database.db, ids, ['ACCEPTED', 'ACCEPTED', null]);
    expect(found.map((c) => [c.id, c.status]).sort()).toEqual(
      [
        [moved.commandId, 'SUBMITTED'],
        [unknown.commandId, 'ACCEPTED'],
      ].sort(),
    );
    expect(await readCommands(database.db, ids)).toHaveLength(3);
    await expect(readCommands(database.db, ids, ['ACCEPTED'])).rejects.toThrow('a known status for each id');
  });

  it('is refused over HTTP: subscriptions are WebSocket only', async () => {
    const response = await gql(api, FOLLOW, { id: alice.profileId });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves queries over the same socket', async () => {
    const result = await client({ authorization: `Bearer ${alice.accessToken}` })
      .iterate<{ me: { id: string } }>({ query: '{ me { id } }' })
      .next();
    expect(result.value?.data?.me.id).toBe(alice.profileId);
  });
});

describe('WebSocket connections', () => {
  let second: RunningApi;
  beforeAll(async () => {
    second = await startTestApi(database, {
      WS_PING_MS: '200',
      WS_MAX_CONNECTIONS_PER_USER: '2',
      WS_MAX_SUBSCRIPTIONS_PER_USER: '2',
      CORS_ORIGINS: 'https://app.example.com',
    });
  });
  afterAll(() => second?.stop());

  it('closes with 4401 on an invalid token at connection_init', async () => {
    for (const authorization of ['Bearer not-a-jwt', alice.accessToken, `Bearer ${alice.accessToken}x`]) {
      expect((await rawSocket(second, { authorization }).closed).code).toBe(4401);
    }
  });

  it('closes with 4401 when the token expires during the connection', async () => {
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await new SignJWT({ role: 'USER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(bob.profileId)
      .setIssuer('gx-gateway')
      .setAudience('gx-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 2)
      .sign(new TextEncoder().encode(testSecrets.JWT_SECRET));
    const connection = rawSocket(second, { authorization: `Bearer ${shortLived}` });
    await connection.acked;
    const started = Date.now();
    expect((await connection.closed).code).toBe(4401);
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  it('pings every WS_PING_MS', async () => {
    const connection = rawSocket(second, {});
    await connection.acked;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(connection.pings.length).toBeGreaterThanOrEqual(2);
    connection.socket.close();
  });

  it('caps connections per user (4429) and subscriptions per user (RATE_LIMITED)', async () => {
    const params = { authorization: `Bearer ${bob.accessToken}` };
    const first = rawSocket(second, params);
    const secondSocket = rawSocket(second, params);
    await Promise.all([first.acked, secondSocket.acked]);
    expect((await rawSocket(second, params).closed).code).toBe(4429);
    first.socket.close();
    secondSocket.socket.close();
    await Promise.all([first.closed, secondSocket.closed]);

    const c = wsClient(second, params);
    clients.push(c);
    const receipts = [await update(bob), await update(bob), await update(bob)];
    const [a, b] = [follow(c, receipts[0]!.commandId), follow(c, receipts[1]!.commandId)];
    await Promise.all([a.states$(1), b.states$(1)]);
    const third = operationErrors(await endedWith(follow(c, receipts[2]!.commandId)));
    expect(third[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('refuses an upgrade from an origin outside CORS_ORIGINS', async () => {
    expect(await rawSocket(second, {}, 'https://evil.example').refused).toBe(403);
    const allowed = rawSocket(second, {}, 'https://app.example.com');
    await allowed.acked;
    allowed.socket.close();
  });

  it('ends the subscriptions of a client that goes away', async () => {
    const active = async () =>
      Number(
        /^graphql_subscriptions_active (\d+)/m.exec(await (await fetch(`${second.url}/metrics`)).text())?.[1],
      );
    const before = await active();
    const receipt = await update(alice);
    const c = wsClient(second, { authorization: `Bearer ${alice.accessToken}` });
    const followed = follow(c, receipt.commandId);
    await followed.states$(1);
    expect(await active()).toBe(before + 1);
    await c.dispose();
    await expect.poll(active, { timeout: 5_000 }).toBe(before);
  });

  it('works across api processes: a change committed anywhere reaches every process', async () => {
    const receipt = await update(alice);
    const c = wsClient(second, { authorization: `Bearer ${alice.accessToken}` });
    clients.push(c);
    const followed = follow(c, receipt.commandId);
    expect(await followed.states$(1)).toEqual(['ACCEPTED']);
    await moveCommands(database, [receipt.commandId], 'PROJECTED');
    expect(await endedWith(followed)).toEqual({ kind: 'complete' });
  });
});
