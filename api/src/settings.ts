import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir } from '@gx/runtime';
import { type ApiEnv, asymmetricAlgorithm } from './config.js';

export type JwtKeys =
  | { algorithm: 'HS256'; signingKey: Uint8Array; verificationKey: Uint8Array }
  | { algorithm: 'ES256' | 'RS256' | 'EdDSA'; signingKey: KeyObject; verificationKey: KeyObject };

/** The validated environment with its defaults resolved and its secrets loaded (or made, in development). */
export interface ApiSettings {
  env: ApiEnv;
  production: boolean;
  /** Development and test: stack traces in errors, introspection and GraphiQL for everyone by default. */
  development: boolean;
  jwt: JwtKeys;
  hmacKey: Buffer;
  /** Lower-cased. */
  adminEmails: ReadonlySet<string>;
  /** `['*']` allows any origin; empty allows none (same-origin only). */
  corsOrigins: readonly string[];
  graphiql: boolean;
}

/**
 * A secret kept in a file under `$GX_DATA_DIR/api/`, made on first use. Several processes may start at
 * once: the file is created exclusively, and whoever loses the race reads the winner's.
 */
export function persistentSecret(folder: string, name: string): string {
  const file = path.join(folder, name);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

export function resolveSettings(env: ApiEnv): ApiSettings {
  const production = env.NODE_ENV === 'production';
  const secretsDir = path.join(dataDir(env), 'api');
  let jwt: JwtKeys;
  if (env.JWT_PRIVATE_KEY && env.JWT_PUBLIC_KEY) {
    jwt = {
      algorithm: asymmetricAlgorithm(env.JWT_PUBLIC_KEY)!,
      signingKey: createPrivateKey(env.JWT_PRIVATE_KEY),
      verificationKey: createPublicKey(env.JWT_PUBLIC_KEY),
    };
  } else {
    const secret = new TextEncoder().encode(env.JWT_SECRET ?? persistentSecret(secretsDir, 'jwt-secret'));
    jwt = { algorithm: 'HS256', signingKey: secret, verificationKey: secret };
  }
  const hmacKey = Buffer.from(env.GX_HMAC_KEY ?? persistentSecret(secretsDir, 'hmac-key'), 'utf8');
  const adminEmails = new Set(
    (env.ADMIN_EMAILS ?? (production ? [] : ['admin@example.com'])).map((e) => e.toLowerCase()),
  );
  return {
    env,
    production,
    development: !production,
    jwt,
    hmacKey,
    adminEmails,
    corsOrigins: env.CORS_ORIGINS ?? (production ? [] : ['*']),
    graphiql: env.GRAPHIQL ?? !production,
  };
}
