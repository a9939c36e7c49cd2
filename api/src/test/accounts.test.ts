import { commands, credentials, refreshTokens } from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../auth/passwords.js';
import { EmailTakenError } from '../errors.js';
import type { RunningApi } from '../index.js';
import { type RegisterArgs, register as registerAccount } from '../services/accounts.js';
import { type Receipt, withIdempotency, writeIdentity } from '../services/commands.js';
import {
  dataOf,
  errorOf,
  gql,
  LOGIN,
  projectRegistration,
  REGISTER,
  register,
  registration,
  signUp,
  startTestApi,
  testServices,
} from './helpers.js';

let database: TestDatabase;
let api: RunningApi;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database, { ADMIN_EMAILS: 'boss@example.com, Admin@Example.com' });
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

const REFRESH = /* GraphQL */ `
  mutation Refresh($token: String!) {
    refreshToken(refreshToken: $token) { accessToken refreshToken user { id } }
  }
`;

describe('register', () => {
  it('accepts at once: a REGISTER command with ids, profile fields and profileHash, and the credentials', async () => {
    const input = registration({
      email: 'Grace.Hopper@Example.com',
      country: 'US',
      accountType: 'BUSINESS',
      idempotencyKey: 'grace-1',
    });
    const receipt = await register(api, input);
    expect(receipt.status).toBe('ACCEPTED');

    const [command] = await database.db.select().from(commands).where(eq(commands.id, receipt.commandId));
    const payload = command!.payload as Record<string, string>;
    expect(command).toMatchObject({
      type: 'REGISTER',
      status: 'ACCEPTED',
      aggregateId: receipt.profileId,
      touches: [payload.walletId],
      requesterId: null,
    });
    expect(payload).toMatchObject({
      profileId: receipt.profileId,
      email: 'Grace.Hopper@Example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      country: 'US',
      accountType: 'BUSINESS',
    });
    expect(payload.profileHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(command, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      input.password,
    );
    // with a key, the fingerprint (an HMAC over the input, password included); without one, none
    expect(command!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const keyless = await register(api, registration());
    const [keylessRow] = await database.db.select().from(commands).where(eq(commands.id, keyless.commandId));
    expect(keylessRow!.fingerprint).toBeNull();

    const [account] = await database.db
      .select()
      .from(credentials)
      .where(eq(credentials.profileId, receipt.profileId));
    expect(account).toMatchObject({ role: 'USER', registerCommandId: receipt.commandId });
    expect(account!.passwordHash).toMatch(/^\$2[aby]\$04\$/);
  });

  it('gives the admin role to an address in ADMIN_EMAILS, whatever its case', async () => {
    const receipt = await register(api, registration({ email: 'admin@example.COM' }));
    const [account] = await database.db
      .select({ role: credentials.role })
      .from(credentials)
      .where(eq(credentials.profileId, receipt.profileId));
    expect(account!.role).toBe('ADMIN');
  });

  it('answers EMAIL_TAKEN for an address already registered, compared case-insensitively', async () => {
    const input = registration();
    await register(api, input);
    const again = await gql(api, REGISTER, { input: { ...input, email: input.email.toUpperCase() } });
    expect(errorOf(again).code).toBe('EMAIL_TAKEN');
  });

  it('replays a registration with the same idempotency key, and refuses the key with another payload', async () => {
    const input = registration({ idempotencyKey: 'signup-1' });
    const first = await register(api, input);
    const replay = await register(api, input);
    expect(replay).toEqual(first);

    const conflict = await gql(api, REGISTER, { input: { ...input, password: 'another password!' } });
    expect(errorOf(conflict)).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', commandId: first.commandId });
  });

  it('runs the idempotency check first: a replay after the registration moved on gets its current status', async () => {
    const input = registration({ idempotencyKey: 'signup-2' });
    const first = await register(api, input);
    await projectRegistration(database, first.commandId);
    expect(await register(api, input)).toEqual({ ...first, status: 'PROJECTED' });
  });

  it('settles two racing registrations with one key on one command', async () => {
    const input = registration({ idempotencyKey: 'signup-race' });
    const [a, b] = await Promise.all([register(api, input), register(api, input)]);
    expect(a.commandId).toBe(b.commandId);
    const rows = await database.db.select().from(commands).where(eq(commands.idempotencyKey, 'signup-race'));
    expect(rows).toHaveLength(1);
  });

  it("answers the winner's receipt to a racer whose e-mail check ran after the winner committed", async () => {
    const { services } = testServices(database);
    const caller = { viewer: null, correlationId: 'race', ip: '127.0.0.1' };
    const identityOf = (input: RegisterArgs) =>
      writeIdentity(services, caller, 'register', input, null).identity;
    try {
      // The racer passed the idempotency check before the winner's command existed; by its e-mail
      // check the winner has committed, so that check fails.
      const input = registration({ idempotencyKey: 'signup-late-check' });
      let winner: Receipt | undefined;
      const racer = await withIdempotency(services, identityOf(input), async () => {
        winner = await registerAccount(services, caller, input);
        throw new EmailTakenError();
      });
      expect(winner?.status).toBe('ACCEPTED');
      expect(racer).toEqual(winner);

      // With no command under its key, the failure stands.
      const alone = registration({ idempotencyKey: 'signup-no-winner' });
      await expect(
        withIdempotency(services, identityOf(alone), () => Promise.reject(new EmailTakenError())),
      ).rejects.toBeInstanceOf(EmailTakenError);
    } finally {
      services.limits.close();
    }
  });
});

describe('login', () => {
  it('answers ACCOUNT_PENDING with the registration command until the profile is projected', async () => {
    const input = registration();
    const receipt = await register(api, input);
    const pending = await gql(api, LOGIN, { input: { email: input.email, password: input.password } });
    expect(errorOf(pending)).toMatchObject({ code: 'ACCOUNT_PENDING', commandId: receipt.commandId });

    await projectRegistration(database, receipt.commandId);
    const login = dataOf(
      await gql<{ login: { accessToken: string; expiresAt: string; user: { id: string; role: string } } }>(
        api,
        LOGIN,
        { input: { email: input.email.toUpperCase(), password: input.password } },
      ),
    ).login;
    expect(login.user).toMatchObject({ id: receipt.profileId, role: 'USER' });
    const expiresIn = new Date(login.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);
  });

  it('answers INVALID_CREDENTIALS alike for a wrong password and an unknown e-mail', async () => {
    const account = await signUp(api, database);
    const wrong = await gql(api, LOGIN, { input: { email: account.email, password: 'not the password' } });
    const unknown = await gql(api, LOGIN, {
      input: { email: 'nobody@example.com', password: 'whatever1234' },
    });
    expect(errorOf(wrong)).toEqual(errorOf(unknown));
    expect(errorOf(wrong).code).toBe('INVALID_CREDENTIALS');
  });
});

describe('refresh tokens', () => {
  it('rotate on every use, stored hashed', async () => {
    const account = await signUp(api, database);
    const next = dataOf(
      await gql<{ refreshToken: { accessToken: string; refreshToken: string; user: { id: string } } }>(
        api,
        REFRESH,
        { token: account.refreshToken },
      ),
    ).refreshToken;
    expect(next.refreshToken).not.toBe(account.refreshToken);
    expect(next.user.id).toBe(account.profileId);
    const stored = await database.db
      .select({ hash: refreshTokens.tokenHash })
      .from(refreshTokens)
      .where(eq(refreshTokens.profileId, account.profileId));
    expect(stored).toHaveLength(2);
    for (const { hash } of stored) {
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect([account.refreshToken, next.refreshToken]).not.toContain(hash);
    }
  });

  it('a reused token revokes its whole family', async () => {
    const account = await signUp(api, database);
    const second = dataOf(
      await gql<{ refreshToken: { refreshToken: string } }>(api, REFRESH, { token: account.refreshToken }),
    ).refreshToken.refreshToken;

    const reuse = await gql(api, REFRESH, { token: account.refreshToken });
    expect(errorOf(reuse).code).toBe('UNAUTHENTICATED');
    // the thief's or the owner's newer token is dead too
    const after = await gql(api, REFRESH, { token: second });
    expect(errorOf(after).code).toBe('UNAUTHENTICATED');
  });

  it('logout revokes the family', async () => {
    const account = await signUp(api, database);
    expect(
      dataOf(
        await gql(api, 'mutation($t: String!) { logout(refreshToken: $t) }', { t: account.refreshToken }),
      ),
    ).toEqual({ logout: true });
    expect(errorOf(await gql(api, REFRESH, { token: account.refreshToken })).code).toBe('UNAUTHENTICATED');
    expect(dataOf(await gql(api, 'mutation { logout(refreshToken: "unknown") }'))).toEqual({ logout: false });
  });
});

describe('passwords', () => {
  it('are hashed with bcrypt at cost 12 by default, off the event loop', async () => {
    const hasher = new PasswordHasher({ cost: 12, concurrency: 1 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const hash = await hasher.hash('correct horse battery');
    clearInterval(ticker);
    expect(hash).toMatch(/^\$2[aby]\$12\$/);
    expect(ticks).toBeGreaterThan(5); // the loop kept turning while the hash was computed
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('wrong horse battery', hash)).toBe(false);
  });
});
