import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { type OpsServer, startOpsServer } from './opsServer.js';

const registry = new Registry();
new Counter({ name: 'probe_total', help: 'a probe', registers: [registry] }).inc(3);
let ready = true;
let server: OpsServer;

beforeAll(async () => {
  server = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    registry,
    readiness: async () => ({ ready, details: { lagSeconds: 2 } }),
    logger: createLogger({ service: 'ops-test', level: 'silent', format: 'json' }),
  });
});
afterAll(() => server.close());

const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`);

describe('ops server', () => {
  it('answers /livez, and /readyz with the readiness details', async () => {
    expect((await get('/livez')).status).toBe(200);
    const response = await get('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', lagSeconds: 2 });
  });

  it('fails /readyz with 503 when the service cannot do its work', async () => {
    ready = false;
    try {
      const response = await get('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'not ready' });
    } finally {
      ready = true;
    }
  });

  it('serves the registry as Prometheus text', async () => {
    const response = await get('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('probe_total 3');
  });

  it('answers unknown paths with 404', async () => {
    expect((await get('/nope')).status).toBe(404);
  });
});
