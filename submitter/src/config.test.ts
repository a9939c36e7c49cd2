import { ConfigError, parseConfig } from '@gx/runtime';
import { describe, expect, it } from 'vitest';
import { submitterEnv } from './config.js';

describe('submitter configuration', () => {
  it('has the documented defaults', () => {
    expect(parseConfig(submitterEnv, {})).toMatchObject({
      SUBMITTER_PORT: 9090,
      SUBMITTER_MAX_BATCH: 100,
      SUBMITTER_MAX_IN_FLIGHT: 16,
      SUBMITTER_POLL_MS: 1_000,
      SUBMITTER_LEASE_MS: 60_000,
      SUBMITTER_MAX_ATTEMPTS: 5,
      SUBMITTER_BACKOFF_BASE_MS: 500,
      SUBMITTER_BACKOFF_CAP_MS: 60_000,
      SUBMITTER_LISTEN: true,
      FABRIC_BREAKER_TIMEOUT_MS: 30_000,
      FABRIC_BREAKER_ERROR_PERCENT: 50,
      FABRIC_BREAKER_RESET_MS: 30_000,
    });
  });

  it.each([
    [{ SUBMITTER_MAX_BATCH: '0' }, 'SUBMITTER_MAX_BATCH: expected a positive integer (got "0")'],
    [{ SUBMITTER_LISTEN: 'maybe' }, 'SUBMITTER_LISTEN: expected true or false (got "maybe")'],
    [{ SUBMITTER_PORT: '-1' }, 'SUBMITTER_PORT: expected an integer from 0 to 65535 (got "-1")'],
    [
      { NODE_ENV: 'production' },
      'DATABASE_URL: required when NODE_ENV=production (the embedded Postgres is for development only) (it is not set)',
    ],
  ])('rejects %o with one line naming the variable', (env, message) => {
    expect(() => parseConfig(submitterEnv, env)).toThrow(new ConfigError(message));
  });

  it('takes the naive baseline: poll only, one command per transaction, one at a time', () => {
    expect(
      parseConfig(submitterEnv, {
        SUBMITTER_LISTEN: 'false',
        SUBMITTER_POLL_MS: '100',
        SUBMITTER_MAX_BATCH: '1',
        SUBMITTER_MAX_IN_FLIGHT: '1',
      }),
    ).toMatchObject({
      SUBMITTER_LISTEN: false,
      SUBMITTER_POLL_MS: 100,
      SUBMITTER_MAX_BATCH: 1,
      SUBMITTER_MAX_IN_FLIGHT: 1,
    });
  });
});
