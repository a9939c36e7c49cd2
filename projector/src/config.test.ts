import path from 'node:path';
import { ConfigError } from '@gx/runtime';
import { describe, expect, it } from 'vitest';
import { fabricConnectionDir, parseProjectorConfig } from './config.js';

describe('projector configuration', () => {
  it('has the design defaults', () => {
    const config = parseProjectorConfig({ DATABASE_URL: 'postgres://localhost/gx' });
    expect(config).toMatchObject({ PROJECTOR_PORT: 9091, PROJECTOR_LEADER_POLL_MS: 1_000 });
    expect(fabricConnectionDir({ ...config, GX_DATA_DIR: '/srv/gx' })).toBe(path.join('/srv/gx', 'devnet'));
    expect(fabricConnectionDir({ ...config, FABRIC_CONNECTION_DIR: '/etc/fabric' })).toBe('/etc/fabric');
  });

  it('takes 0 for a free port (tests)', () => {
    expect(parseProjectorConfig({ PROJECTOR_PORT: '0' }).PROJECTOR_PORT).toBe(0);
  });

  it('refuses an invalid variable with one line naming it', () => {
    expect(() => parseProjectorConfig({ PROJECTOR_PORT: 'ninety' })).toThrow(
      new ConfigError('PROJECTOR_PORT: expected an integer from 0 to 65535 (got "ninety")'),
    );
    expect(() => parseProjectorConfig({ PROJECTOR_MAX_GROUP_EVENTS: '-3' })).toThrow(
      /^PROJECTOR_MAX_GROUP_EVENTS: /,
    );
    expect(() => parseProjectorConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: /);
  });

  it('refuses a missing DATABASE_URL in production', () => {
    expect(() => parseProjectorConfig({ NODE_ENV: 'production' })).toThrow(
      /^DATABASE_URL: required when NODE_ENV=production .*\(it is not set\)$/,
    );
  });
});
