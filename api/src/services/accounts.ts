import { randomUUID } from 'node:crypto';
import { credentials, userProfiles } from '@gx/db';
import type { Role } from '@gx/schema';
import { eq, sql } from 'drizzle-orm';
import {
  AccountPendingError,
  BadUserInputError,
  EmailTakenError,
  ForbiddenError,
  InvalidCredentialsError,
} from '../errors.js';
import {
  insertCommand,
  isUniqueViolation,
  type Receipt,
  withIdempotency,
  writeIdentity,
} from './commands.js';
import type { Caller, Services } from './context.js';
import { LoginInput, parseInput, RegisterInput } from './input.js';
import type { ProfileView } from './lookups.js';

export interface RegisterArgs {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  country: string;
  accountType: string;
  idempotencyKey?: string | null | undefined;
}

const emailTaken = (services: Services, email: string) =>
  services.database.db
    .select({ profileId: credentials.profileId })
    .from(credentials)
    .where(eq(sql`lower(${credentials.email})`, email.toLowerCase()))
    .then((rows) => rows.length > 0);

/**
 * `register`: the idempotency check first (a replay gets its first receipt), then the input rules,
 * EMAIL_TAKEN, the bcrypt hash (off the event loop), and one transaction with the REGISTER command
 * and the credentials. The profile and wallet ids are made here and returned at once.
 */
export async function register(services: Services, caller: Caller, args: RegisterArgs): Promise<Receipt> {
  services.limits.write(`ip:${caller.ip}`);
  const { input, identity } = writeIdentity(services, caller, 'register', args, null);
  return withIdempotency(services, identity, async () => {
    const valid = parseInput(RegisterInput, input);
    if (await emailTaken(services, valid.email)) throw new EmailTakenError();
    const passwordHash = await services.passwords.hash(valid.password);
    const role: Role = services.settings.adminEmails.has(valid.email.toLowerCase()) ? 'ADMIN' : 'USER';
    const profileId = randomUUID();
    const walletId = randomUUID();
    const { password: _password, ...profile } = valid;
    try {
      return await insertCommand(services, identity, {
        type: 'REGISTER',
        aggregateId: profileId,
        build: () => ({ profileId, walletId, ...profile, profileHash: services.hmacs.profileHash(profile) }),
        alsoWrite: (connection, commandId) => connection`
          insert into credentials (profile_id, email, password_hash, role, register_command_id)
          values (${profileId}, ${valid.email}, ${passwordHash}, ${role}, ${commandId})`,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'credentials_email_idx')) throw new EmailTakenError();
      throw error;
    }
  });
}

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: ProfileView;
}

async function session(services: Services, profile: ProfileView, role: Role, refreshToken: string) {
  const access = await services.accessTokens.sign(profile.id, role);
  return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user: profile };
}

/**
 * `login`: rate limits first (per IP, and failures per e-mail), then bcrypt, the same work for an
 * unknown e-mail; INVALID_CREDENTIALS either way. A correct password before the registration is
 * projected answers ACCOUNT_PENDING with the registration's command id.
 */
export async function login(
  services: Services,
  caller: Caller,
  args: { email: string; password: string },
): Promise<AuthResult> {
  const input = parseInput(LoginInput, args);
  services.limits.loginAttempt(caller.ip, input.email);
  const db = services.database.db;
  const [account] = await db
    .select({
      profileId: credentials.profileId,
      passwordHash: credentials.passwordHash,
      role: credentials.role,
      registerCommandId: credentials.registerCommandId,
    })
    .from(credentials)
    .where(eq(sql`lower(${credentials.email})`, input.email.toLowerCase()));
  const passwordFits = Buffer.byteLength(input.password, 'utf8') <= 72;
  const ok =
    account && passwordFits
      ? await services.passwords.verify(input.password, account.passwordHash)
      : await services.passwords.verifyDummy(input.password);
  if (!ok || !account) {
    services.limits.loginFailed(input.email);
    throw new InvalidCredentialsError();
  }
  const [profile] = await db.select().from(userProfiles).where(eq(userProfiles.id, account.profileId));
  if (!profile) throw new AccountPendingError(account.registerCommandId);
  if (profile.status !== 'ACTIVE') throw new ForbiddenError('this account is suspended');
  services.limits.loginSucceeded(input.email);
  const refresh = await services.refreshTokens.issue(profile.id);
  return session(services, profile, account.role as Role, refresh.token);
}

/** `refreshToken`: rotates the refresh token and issues a new access token. */
export async function refreshSession(services: Services, refreshToken: string): Promise<AuthResult> {
  if (refreshToken.length > 200) throw new BadUserInputError('refreshToken', 'is not a refresh token');
  const rotated = await services.refreshTokens.rotate(refreshToken);
  const db = services.database.db;
  const [row] = await db
    .select({ profile: userProfiles, role: credentials.role })
    .from(userProfiles)
    .innerJoin(credentials, eq(credentials.profileId, userProfiles.id))
    .where(eq(userProfiles.id, rotated.profileId));
  if (!row) throw new InvalidCredentialsError();
  if (row.profile.status !== 'ACTIVE') throw new ForbiddenError('this account is suspended');
  return session(services, row.profile, row.role as Role, rotated.token);
}

/** `logout`: revokes the refresh token's family; false when the token is unknown. */
export async function logout(services: Services, refreshToken: string): Promise<boolean> {
  if (refreshToken.length > 200) return false;
  return services.refreshTokens.revokeFamily(refreshToken);
}
