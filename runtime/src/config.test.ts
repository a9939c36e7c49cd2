import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  databaseServiceEnv,
  millisVar,
  parseConfig,
  portVar,
  positiveIntVar,
} from './config.js';

const run = promisify(execFile);

const serviceEnv = databaseServiceEnv({
  SERVICE_PORT: portVar(9090),
  SERVICE_BATCH: positiveIntVar(100),
  SERVICE_POLL_MS: millisVar(1_000),
});

describe('parseConfig', () => {
  it('applies defaults to an empty environment', () => {
    expect(parseConfig(serviceEnv, {})).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      GX_PG_PORT: 54329,
      SERVICE_PORT: 9090,
      SERVICE_BATCH: 100,
      SERVICE_POLL_MS: 1_000,
    });
  });

  it.each([
    [{ SERVICE_PORT: 'abc' }, 'SERVICE_PORT: expected an integer from 0 to 65535 (got "abc")'],
    [{ SERVICE_PORT: '70000' }, 'SERVICE_PORT: expected an integer from 0 to 65535 (got "70000")'],
    [{ SERVICE_BATCH: '0' }, 'SERVICE_BATCH: expected a positive integer (got "0")'],
    [{ SERVICE_POLL_MS: '1.5' }, 'SERVICE_POLL_MS: expected a whole number of milliseconds (got "1.5")'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: expected fatal, error, warn, info, debug, trace or silent (got "loud")',
    ],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: expected development, production or test (got "staging")'],
    [
      { DATABASE_URL: 'mysql://x' },
      'DATABASE_URL: expected a postgres:// or postgresql:// URL (got "mysql://x")',
    ],
    [
      { NODE_ENV: 'production' },
      'DATABASE_URL: required when NODE_ENV=production (the embedded Postgres is for development only) (it is not set)',
    ],
  ])('rejects %o with one line naming the variable', (env, message) => {
    expect(() => parseConfig(serviceEnv, env)).toThrow(new ConfigError(message));
  });

  it('accepts a production environment with a database', () => {
    const config = parseConfig(serviceEnv, { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db/gx' });
    expect(config.DATABASE_URL).toBe('postgres://u:p@db/gx');
  });

  it('treats an empty value as unset', () => {
    expect(parseConfig(z.object({ PORT: portVar(4000) }), { PORT: '' }).PORT).toBe(4000);
  });
});

describe('loadConfig', () => {
  it('stops the process with one line on stderr and exit code 78', async () => {
    const script = path.join(import.meta.dirname, 'testing', 'loadConfigProbe.ts');
    const failure = await run('npx', ['tsx', script], {
      env: { ...process.env, SERVICE_PORT: 'nope' },
    }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 78, stdout: '' });
    const stderr = (failure as { stderr: string }).stderr.trim().split('\n');
    expect(stderr).toEqual([
      'probe: invalid configuration: SERVICE_PORT: expected an integer from 0 to 65535 (got "nope")',
    ]);
  });
});
