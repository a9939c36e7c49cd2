import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, sourceServiceArgs } from '@gx/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApiConfig, parseDuration } from './config.js';
import { resolveSettings } from './settings.js';

const run = promisify(execFile);
const secret = 'a'.repeat(40);
const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db/gx' };

describe('api configuration', () => {
  it('applies the design defaults', () => {
    const env = parseApiConfig({});
    expect(env).toMatchObject({
      API_PORT: 4000,
      API_HOST: '0.0.0.0',
      JWT_ISSUER: 'gx-gateway',
      JWT_AUDIENCE: 'gx-api',
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 604_800,
      BCRYPT_COST: 12,
      GRAPHQL_MAX_DEPTH: 8,
      GRAPHQL_MAX_COST: 5_000,
      GRAPHQL_MAX_ALIASES: 15,
      GRAPHQL_MAX_TOKENS: 1_000,
      API_BODY_LIMIT_BYTES: 100_000,
      LOGIN_MAX_FAILURES_PER_EMAIL: 5,
      LOGIN_FAILURE_WINDOW: 900,
      LOGIN_MAX_ATTEMPTS_PER_IP: 60,
      WRITE_RATE_PER_SECOND: 20,
      WRITE_BURST: 40,
      WS_MAX_CONNECTIONS_PER_USER: 10,
      WS_MAX_CONNECTIONS: 20_000,
      WS_PING_MS: 12_000,
      API_WRITE_BATCH_MAX: 200,
      API_WRITE_BATCHES_IN_FLIGHT: 2,
    });
    expect(env.READY_MAX_LAG_SECONDS).toBeUndefined();
  });

  it.each([
    [{ API_PORT: 'http' }, 'API_PORT: expected an integer from 0 to 65535 (got "http")'],
    [
      { ACCESS_TOKEN_TTL: '15 minutes' },
      'ACCESS_TOKEN_TTL: expected a duration such as 90s, 15m, 12h or 7d (got "15 minutes")',
    ],
    [
      { JWT_SECRET: 'short' },
      'JWT_SECRET: expected at least 32 characters (e.g. `openssl rand -hex 32`) (got "short")',
    ],
    [{ BCRYPT_COST: '40' }, 'BCRYPT_COST: expected an integer from 4 to 31 (got "40")'],
    [{ API_WRITE_BATCH_MAX: '0' }, 'API_WRITE_BATCH_MAX: expected an integer from 1 to 1000 (got "0")'],
    [
      { API_DB_POOL_SIZE: '4', API_WRITE_BATCHES_IN_FLIGHT: '4' },
      'API_WRITE_BATCHES_IN_FLIGHT: expected fewer than API_DB_POOL_SIZE (4) (got "4")',
    ],
    [{ GRAPHIQL: 'maybe' }, 'GRAPHIQL: expected true or false (got "maybe")'],
    [
      { CORS_ORIGINS: 'example.com' },
      'CORS_ORIGINS: expected * or a comma-separated list of origins such as https://app.example.com (got "example.com")',
    ],
    [{ READY_MAX_LAG_SECONDS: '-1' }, 'READY_MAX_LAG_SECONDS: expected a positive number (got "-1")'],
    [{ JWT_PUBLIC_KEY: 'nope' }, 'JWT_PUBLIC_KEY: expected a PEM key (-----BEGIN …) (got "nope")'],
    [
      { ...production, GX_HMAC_KEY: secret },
      'JWT_SECRET: required when NODE_ENV=production (or JWT_PRIVATE_KEY and JWT_PUBLIC_KEY) (it is not set)',
    ],
    [{ ...production, JWT_SECRET: secret }, 'GX_HMAC_KEY: required when NODE_ENV=production (it is not set)'],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => parseApiConfig(env)).toThrow(new ConfigError(message));
  });

  it('accepts a production environment with its keys, and an asymmetric key pair', () => {
    expect(parseApiConfig({ ...production, JWT_SECRET: secret, GX_HMAC_KEY: secret }).NODE_ENV).toBe(
      'production',
    );
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const env = parseApiConfig({
      ...production,
      GX_HMAC_KEY: secret,
      JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    expect(resolveSettings(env).jwt.algorithm).toBe('ES256');
  });

  it('parses durations', () => {
    expect([parseDuration('90'), parseDuration('90s'), parseDuration('15m'), parseDuration('7d')]).toEqual([
      90, 90, 900, 604_800,
    ]);
    expect(parseDuration('0s')).toBeUndefined();
  });

  describe('development secrets', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'gx-api-config-'));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('are generated once under $GX_DATA_DIR/api and kept', () => {
      const first = resolveSettings(parseApiConfig({ GX_DATA_DIR: folder }));
      const again = resolveSettings(parseApiConfig({ GX_DATA_DIR: folder }));
      expect(Buffer.from(again.hmacKey)).toEqual(Buffer.from(first.hmacKey));
      const file = path.join(folder, 'api', 'jwt-secret');
      expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.adminEmails).toEqual(new Set(['admin@example.com']));
      expect(first.corsOrigins).toEqual(['*']);
      expect(first.graphiql).toBe(true);
    });

    it('are not made in production, where the defaults are closed', () => {
      const settings = resolveSettings(
        parseApiConfig({ ...production, JWT_SECRET: secret, GX_HMAC_KEY: secret }),
      );
      expect(settings.adminEmails.size).toBe(0);
      expect(settings.corsOrigins).toEqual([]);
      expect(settings.graphiql).toBe(false);
    });
  });

  it('stops main with one line on stderr and exit code 78', async () => {
    const {
      JWT_SECRET: _secret,
      JWT_PRIVATE_KEY: _private,
      JWT_PUBLIC_KEY: _public,
      ...inherited
    } = process.env;
    const failure = await run(process.execPath, sourceServiceArgs(path.resolve(import.meta.dirname, '..')), {
      env: { ...inherited, NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/gx' },
    }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 78, stdout: '' });
    expect((failure as { stderr: string }).stderr.trim().split('\n')).toEqual([
      'api: invalid configuration: JWT_SECRET: required when NODE_ENV=production (or JWT_PRIVATE_KEY and JWT_PUBLIC_KEY) (it is not set)',
    ]);
  });
});
