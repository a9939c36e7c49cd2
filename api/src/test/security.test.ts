import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../index.js';
import {
  type Account,
  countRows,
  dataOf,
  errorOf,
  gql,
  LOGIN,
  register,
  registration,
  signUp,
  startTestApi,
  testSecrets,
} from './helpers.js';

let database: TestDatabase;
let api: RunningApi;
let alice: Account;
let bob: Account;
let admin: Account;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database, { TRUST_PROXY: 'true' });
  [alice, bob, admin] = await Promise.all([
    signUp(api, database),
    signUp(api, database),
    signUp(api, database, { email: 'admin@example.com' }),
  ]);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

const secret = new TextEncoder().encode(testSecrets.JWT_SECRET);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function token(
  claims: { sub?: string; role?: string; iss?: string; aud?: string; exp?: number },
  key: Uint8Array = secret,
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role ?? 'ADMIN' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? alice.profileId)
    .setIssuer(claims.iss ?? 'gx-gateway')
    .setAudience(claims.aud ?? 'gx-api')
    .setIssuedAt(now - 60)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(key);
}

describe('access tokens', () => {
  it('accepts a token of ours', async () => {
    expect(dataOf(await gql(api, '{ me { id } }', {}, { token: await token({ role: 'USER' }) }))).toEqual({
      me: { id: alice.profileId },
    });
  });

  it.each([
    [
      'forged (another key)',
      () => token({}, new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')),
    ],
    [
      'alg: none',
      async () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: alice.profileId, role: 'ADMIN', iss: 'gx-gateway', aud: 'gx-api', iat: 0, exp: 4_102_444_800 })}.`,
    ],
    ['expired', () => token({ exp: Math.floor(Date.now() / 1000) - 5 })],
    ['of another audience', () => token({ aud: 'another-api' })],
    ['of another issuer', () => token({ iss: 'someone-else' })],
    [
      'tampered (role raised)',
      async () => {
        const [header, , signature] = bob.accessToken.split('.');
        const payload = JSON.parse(Buffer.from(bob.accessToken.split('.')[1]!, 'base64url').toString());
        return `${header}.${b64({ ...payload, role: 'ADMIN' })}.${signature}`;
      },
    ],
    ['not a JWT', async () => 'garbage'],
  ])('refuses a token that is %s: UNAUTHENTICATED', async (_name, make) => {
    const response = await gql(api, '{ me { id } }', {}, { token: await make() });
    expect(errorOf(response).code).toBe('UNAUTHENTICATED');
    expect(response.body.data).toEqual({ me: null });
  });

  it('refuses an operation without a token, and a header that is not a bearer token', async () => {
    expect(errorOf(await gql(api, '{ wallet { id } }')).code).toBe('UNAUTHENTICATED');
    const basic = await gql(api, '{ wallet { id } }', {}, { headers: { authorization: 'Basic YTpi' } });
    expect(errorOf(basic).code).toBe('UNAUTHENTICATED');
  });
});

describe("someone else's data", () => {
  it("is FORBIDDEN for a user: another's profile (and wallet through it), KYC and command", async () => {
    const asAlice = { token: alice.accessToken };
    expect(
      errorOf(await gql(api, 'query($id: ID!) { user(id: $id) { id } }', { id: bob.profileId }, asAlice))
        .code,
    ).toBe('FORBIDDEN');
    const wallet = await gql(
      api,
      'query($id: ID!) { user(id: $id) { wallet { id balance } } }',
      { id: bob.profileId },
      asAlice,
    );
    expect(errorOf(wallet).code).toBe('FORBIDDEN');
    expect(JSON.stringify(wallet.body)).not.toContain(bob.walletId);
    expect(
      errorOf(
        await gql(
          api,
          'query($id: ID) { kycStatus(profileId: $id) { status } }',
          { id: bob.profileId },
          asAlice,
        ),
      ).code,
    ).toBe('FORBIDDEN');
    const bobs = dataOf(
      await gql<{ updateProfile: { commandId: string } }>(
        api,
        'mutation { updateProfile(input: { lastName: "B" }) { commandId } }',
        {},
        {
          token: bob.accessToken,
        },
      ),
    ).updateProfile.commandId;
    expect(
      errorOf(await gql(api, 'query($id: ID!) { command(id: $id) { id } }', { id: bobs }, asAlice)).code,
    ).toBe('FORBIDDEN');
    // the subscription's FORBIDDEN is in subscriptions.test.ts
  });

  it('is visible to an admin', async () => {
    const data = dataOf(
      await gql<{ user: { id: string; wallet: { id: string } } }>(
        api,
        'query($id: ID!) { user(id: $id) { id wallet { id } } }',
        { id: bob.profileId },
        { token: admin.accessToken },
      ),
    );
    expect(data.user).toEqual({ id: bob.profileId, wallet: { id: bob.walletId } });
  });

  it('admin operations are FORBIDDEN for a user', async () => {
    const mint = await gql(
      api,
      'mutation($p: ID!) { mint(input: { toProfileId: $p, amount: "1" }) { commandId } }',
      {
        p: alice.profileId,
      },
      { token: alice.accessToken },
    );
    expect(errorOf(mint).code).toBe('FORBIDDEN');
  });
});

describe('rate limits', () => {
  it('login: 5 failures per e-mail, then RATE_LIMITED with a retry-after', async () => {
    const account = await signUp(api, database);
    for (let i = 0; i < 5; i++) {
      const wrong = await gql(api, LOGIN, {
        input: { email: account.email, password: `wrong password ${i}` },
      });
      expect(errorOf(wrong).code).toBe('INVALID_CREDENTIALS');
    }
    const limited = await gql(api, LOGIN, { input: { email: account.email, password: account.password } });
    const error = errorOf(limited);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfter).toBeGreaterThan(800);
    expect(Number(limited.headers.get('retry-after'))).toBe(error.retryAfter);
    // another e-mail from the same address is not affected
    expect(
      dataOf(await gql(api, LOGIN, { input: { email: alice.email, password: alice.password } })),
    ).toBeTruthy();
  });

  it('login: 60 attempts per minute per IP', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const attempts = await Promise.all(
      Array.from({ length: 61 }, (_, i) =>
        gql(
          api,
          LOGIN,
          { input: { email: `nobody${i}@example.com`, password: 'whatever-123' } },
          { headers: from },
        ),
      ),
    );
    const codes = attempts.map((a) => errorOf(a).code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(60);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(1);
  });

  it('writes: 20 per second per user, burst 40', async () => {
    // 80 at once: the burst passes, then one per 50 ms for as long as the server takes to reach
    // them (a loaded machine reaches the last ones later, so the bound follows the time taken)
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        gql(
          api,
          'mutation($n: String) { updateProfile(input: { lastName: $n }) { commandId } }',
          { n: `R${i}` },
          {
            token: bob.accessToken,
          },
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1_000;
    const limited = results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length;
    const accepted = results.filter((r) => r.body.data?.updateProfile).length;
    expect(limited + accepted).toBe(80);
    expect(accepted).toBeGreaterThanOrEqual(40);
    expect(accepted).toBeLessThanOrEqual(40 + Math.ceil(seconds * 20));
  });
});

describe('query limits, refused before execution', () => {
  async function refused(
    query: string,
    variables: Record<string, unknown> = {},
    headers?: Record<string, string>,
  ) {
    const response = await gql(api, query, variables, {
      token: admin.accessToken,
      ...(headers ? { headers } : {}),
    });
    expect(response.body.data).toBeUndefined();
    expect(errorOf(response).code).toBe('GRAPHQL_VALIDATION_FAILED');
    return errorOf(response).message;
  }

  it('depth: past 8', async () => {
    const message = await refused(
      'query Deep { __type(name: "Query") { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }',
    );
    expect(message).toContain('depth limit of 8');
  });

  it('cost: past 5,000, and nothing of it runs', async () => {
    const message = await refused(
      'query Expensive { commands(first: 100) { edges { cursor node { id type status attempts fabricTxId blockNumber errorCode errorMessage createdAt updatedAt } } pageInfo { hasNextPage endCursor } } transactions(first: 100) { edges { cursor node { id amount memo direction createdAt } } } }',
    );
    expect(message).toContain('Cost limit of 5000');
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).not.toContain('operation_name="Expensive"');
  });

  it('aliases: past 15, and no mutation of the document runs', async () => {
    const before = await countRows(database.sql, 'commands');
    const aliases = Array.from(
      { length: 16 },
      (_, i) => `a${i}: updateProfile(input: { lastName: "A" }) { commandId }`,
    );
    expect(await refused(`mutation { ${aliases.join(' ')} }`)).toContain('Aliases limit');
    expect(await countRows(database.sql, 'commands')).toBe(before);
  });

  it('tokens: past 1,000', async () => {
    expect(await refused(`{ ${Array.from({ length: 1_100 }, () => '__typename').join(' ')} }`)).toContain(
      'Token limit',
    );
  });
});

describe('transport protections', () => {
  it('sets the security headers helmet sets, and no X-Powered-By', async () => {
    const response = await fetch(`${api.url}/graphql?query=%7B__typename%7D`);
    for (const [name, value] of [
      ['x-content-type-options', 'nosniff'],
      ['x-frame-options', 'SAMEORIGIN'],
      ['referrer-policy', 'no-referrer'],
      ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
      ['cross-origin-opener-policy', 'same-origin'],
      ['x-dns-prefetch-control', 'off'],
    ]) {
      expect(response.headers.get(name!), name).toBe(value);
    }
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a body past 100 kB with 413', async () => {
    const response = await gql(
      api,
      'mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { commandId } }',
      {
        i: { lastName: 'x'.repeat(120_000) },
      },
      { token: alice.accessToken },
    );
    expect(response.status).toBe(413);
    expect(errorOf(response).code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a body that does not declare its length (chunked) with 411, and runs nothing', async () => {
    const before = await countRows(database.sql, 'commands');
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.accessToken}` },
      body: new Blob([
        JSON.stringify({ query: 'mutation { updateProfile(input: { lastName: "Chunked" }) { commandId } }' }),
      ]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(411);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await countRows(database.sql, 'commands')).toBe(before);
  });

  it('prevents CSRF: a POST that is not JSON is refused, and GET never mutates', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${alice.accessToken}` },
        body: JSON.stringify({
          query: 'mutation { updateProfile(input: { lastName: "CSRF" }) { commandId } }',
        }),
      });
      expect(response.status, type).toBe(415);
    }
    const get = await fetch(
      `${api.url}/graphql?query=${encodeURIComponent('mutation { updateProfile(input: { lastName: "GET" }) { commandId } }')}`,
      { headers: { authorization: `Bearer ${alice.accessToken}` } },
    );
    expect(get.status).toBe(405);
    const [row] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from commands where payload->>'lastName' in ('CSRF', 'GET')`;
    expect(row?.n).toBe(0);
  });
});

describe('in production', () => {
  let production: RunningApi;
  let broken: TestDatabase;
  let brokenApi: RunningApi;
  const productionEnv = {
    NODE_ENV: 'production',
    CORS_ORIGINS: 'https://app.example.com,https://admin.example.com',
  };

  beforeAll(async () => {
    production = await startTestApi(database, { ...productionEnv, DATABASE_URL: database.url });
    broken = await createTestDatabase();
    brokenApi = await startTestApi(broken, { ...productionEnv, DATABASE_URL: broken.url });
  });
  afterAll(async () => {
    await production?.stop();
    await brokenApi?.stop();
    await broken?.drop();
  });

  const INTROSPECT = '{ __schema { queryType { name } } }';

  it('refuses introspection to a user and to nobody, and allows it to an admin', async () => {
    expect(errorOf(await gql(production, INTROSPECT, {}, { token: alice.accessToken })).code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(errorOf(await gql(production, '{ __type(name: "Query") { name } }')).code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(dataOf(await gql(production, INTROSPECT, {}, { token: admin.accessToken }))).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    // outside production, introspection is open (the api above runs with NODE_ENV=test)
    expect(dataOf(await gql(api, INTROSPECT, {}, { token: alice.accessToken }))).toBeTruthy();
  });

  it('serves no GraphiQL unless configured', async () => {
    const response = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  it('answers CORS only for the allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${production.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect((await preflight('https://app.example.com')).headers.get('access-control-allow-origin')).toBe(
      'https://app.example.com',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe(
      'https://evil.example',
    );
  });

  it('carries no stack or SQL in an unexpected error', async () => {
    const account = await register(brokenApi, registration());
    await broken.sql`drop table wallets`;
    const forged = await new SignJWT({ role: 'USER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(account.profileId)
      .setIssuer('gx-gateway')
      .setAudience('gx-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    const response = await gql(brokenApi, '{ wallet { id } }', {}, { token: forged });
    const error = errorOf(response);
    expect(error).toEqual({ message: 'Unexpected error.', code: 'INTERNAL_SERVER_ERROR' });
    const text = JSON.stringify(response.body);
    for (const leak of ['wallets', 'relation', 'select', 'stack', '.ts:']) expect(text).not.toContain(leak);
  });
});
