import { createPublicKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { databaseServiceEnv, loadConfig, millisVar, parseConfig, portVar, positiveIntVar } from '@gx/runtime';
import { z } from 'zod';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

const durationUnits: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** A duration such as `15m`, `7d`, `90s` or a plain number of seconds; parsed to seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * (durationUnits[match[2] || 's'] ?? 1);
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

const durationVar = (fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .transform((v, ctx) => {
        const seconds = parseDuration(v);
        if (seconds === undefined) {
          ctx.addIssue({ code: 'custom', message: 'expected a duration such as 90s, 15m, 12h or 7d' });
          return z.NEVER;
        }
        return seconds;
      }),
  );

/** `true`/`false`/`1`/`0`/`on`/`off`; undefined when unset (the default depends on NODE_ENV). */
const booleanVar = () =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'], { error: 'expected true or false' })
      .transform((v) => ['true', '1', 'on', 'yes'].includes(v))
      .optional(),
  );

const secretVar = () =>
  z.preprocess(
    blankToUndefined,
    z.string().min(32, 'expected at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  );

const pemVar = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v) => v.replace(/\\n/g, '\n'))
      .refine((v) => v.includes('-----BEGIN '), 'expected a PEM key (-----BEGIN …)')
      .optional(),
  );

const listVar = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .optional(),
  );

const originsVar = () =>
  listVar().refine(
    (list) => list === undefined || list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)),
    'expected * or a comma-separated list of origins such as https://app.example.com',
  );

const positiveNumberVar = () =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'expected a positive number' })
      .positive('expected a positive number')
      .optional(),
  );

const intRangeVar = (fallback: number, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `expected an integer from ${min} to ${max}` })
      .int(`expected an integer from ${min} to ${max}`)
      .min(min, `expected an integer from ${min} to ${max}`)
      .max(max, `expected an integer from ${min} to ${max}`)
      .default(fallback),
  );

/** The api's environment: the common and database variables plus its own (see api/README.md). */
export const apiEnv = databaseServiceEnv({
  API_PORT: portVar(4000),
  API_HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  JWT_SECRET: secretVar(),
  JWT_PRIVATE_KEY: pemVar(),
  JWT_PUBLIC_KEY: pemVar(),
  JWT_ISSUER: z.preprocess(blankToUndefined, z.string().default('gx-gateway')),
  JWT_AUDIENCE: z.preprocess(blankToUndefined, z.string().default('gx-api')),
  ACCESS_TOKEN_TTL: durationVar('15m'),
  REFRESH_TOKEN_TTL: durationVar('7d'),
  ADMIN_EMAILS: listVar(),
  CORS_ORIGINS: originsVar(),
  GRAPHIQL: booleanVar(),
  READY_MAX_LAG_SECONDS: positiveNumberVar(),
  GX_HMAC_KEY: secretVar(),
  BCRYPT_COST: intRangeVar(12, 4, 31),
  PASSWORD_HASH_CONCURRENCY: positiveIntVar(Math.max(1, availableParallelism())),
  API_DB_POOL_SIZE: positiveIntVar(10),
  API_WRITE_BATCH_MAX: intRangeVar(200, 1, 1_000),
  API_WRITE_BATCHES_IN_FLIGHT: positiveIntVar(2),
  API_BODY_LIMIT_BYTES: positiveIntVar(100_000),
  TRUST_PROXY: booleanVar(),
  GRAPHQL_MAX_DEPTH: positiveIntVar(8),
  GRAPHQL_MAX_COST: positiveIntVar(5_000),
  GRAPHQL_MAX_ALIASES: positiveIntVar(15),
  GRAPHQL_MAX_TOKENS: positiveIntVar(1_000),
  LOGIN_MAX_FAILURES_PER_EMAIL: positiveIntVar(5),
  LOGIN_FAILURE_WINDOW: durationVar('15m'),
  LOGIN_MAX_ATTEMPTS_PER_IP: positiveIntVar(60),
  WRITE_RATE_PER_SECOND: positiveIntVar(20),
  WRITE_BURST: positiveIntVar(40),
  WS_MAX_CONNECTIONS_PER_USER: positiveIntVar(10),
  WS_MAX_CONNECTIONS: positiveIntVar(20_000),
  WS_MAX_SUBSCRIPTIONS_PER_USER: positiveIntVar(100),
  WS_MAX_SUBSCRIPTIONS: positiveIntVar(20_000),
  WS_PING_MS: millisVar(12_000),
  SUBSCRIPTION_POLL_MS: millisVar(10_000),
  OUTBOX_NOTIFY_COALESCE_MS: millisVar(10),
}).superRefine((env, ctx) => {
  const production = env.NODE_ENV === 'production';
  const hasPair = env.JWT_PRIVATE_KEY !== undefined || env.JWT_PUBLIC_KEY !== undefined;
  if (env.JWT_SECRET !== undefined && hasPair) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message: 'set either JWT_SECRET or JWT_PRIVATE_KEY and JWT_PUBLIC_KEY, not both',
    });
    return;
  }
  if (hasPair) {
    for (const name of ['JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY'] as const) {
      if (env[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'JWT_PRIVATE_KEY and JWT_PUBLIC_KEY go together',
        });
        return;
      }
    }
    if (!asymmetricAlgorithm(env.JWT_PUBLIC_KEY!)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PUBLIC_KEY'],
        message: 'expected an EC P-256, RSA or Ed25519 public key in PEM',
      });
      return;
    }
  }
  if (production && env.JWT_SECRET === undefined && !hasPair) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message: 'required when NODE_ENV=production (or JWT_PRIVATE_KEY and JWT_PUBLIC_KEY)',
    });
    return;
  }
  if (env.API_WRITE_BATCHES_IN_FLIGHT >= env.API_DB_POOL_SIZE) {
    // each batch holds a connection of the pool while it is written; reads need one too
    ctx.addIssue({
      code: 'custom',
      path: ['API_WRITE_BATCHES_IN_FLIGHT'],
      message: `expected fewer than API_DB_POOL_SIZE (${env.API_DB_POOL_SIZE})`,
    });
    return;
  }
  if (production && env.GX_HMAC_KEY === undefined) {
    ctx.addIssue({ code: 'custom', path: ['GX_HMAC_KEY'], message: 'required when NODE_ENV=production' });
  }
});

export type ApiEnv = z.infer<typeof apiEnv>;

/** The JWS algorithm of a public key, or undefined for a key type the api does not sign with. */
export function asymmetricAlgorithm(publicKeyPem: string): 'ES256' | 'RS256' | 'EdDSA' | undefined {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType === 'rsa') return 'RS256';
    if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
      return 'ES256';
    return undefined;
  } catch {
    return undefined;
  }
}

/** Validates the api's environment; throws a ConfigError whose message is one line naming the variable. */
export function parseApiConfig(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseConfig(apiEnv, env);
}

/** For main: parse, or stop the process with the one-line message (exit code 78). */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  return loadConfig('api', apiEnv, env);
}
