import { projectorCheckpoints } from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../index.js';
import {
  dataOf,
  gql,
  moveCommands,
  register,
  registration,
  signUp,
  startTestApi,
  wsClient,
} from './helpers.js';

let database: TestDatabase;
let api: RunningApi;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

async function get(target: RunningApi, path: string) {
  const response = await fetch(`${target.url}${path}`);
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

describe('health', () => {
  it('/livez answers while the process runs', async () => {
    expect(await get(api, '/livez')).toMatchObject({ status: 200 });
  });

  it('/readyz and /health report the projection lag: 0 when nothing waits', async () => {
    for (const path of ['/readyz', '/health']) {
      const response = await get(api, path);
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({
        status: 'ok',
        ready: true,
        database: 'ok',
        projector_lag_seconds: 0,
        projector_lag_blocks: 0,
      });
    }
  });

  it('reports the age of the oldest COMMITTED command and the blocks behind the checkpoint; fails on it only when READY_MAX_LAG_SECONDS is set', async () => {
    const a = await register(api, registration());
    const b = await register(api, registration());
    await moveCommands(database, [a.commandId], 'COMMITTED', {
      blockNumber: 12n,
      committedAt: sql`now() - interval '30 seconds'`,
    });
    await moveCommands(database, [b.commandId], 'COMMITTED', { blockNumber: 15n, committedAt: sql`now()` });
    await database.db.insert(projectorCheckpoints).values({ name: 'main', blockNumber: 11n });

    const body = (await get(api, '/readyz')).json();
    expect(body.status).toBe('ok');
    expect(body.projector_lag_seconds).toBeGreaterThanOrEqual(30);
    expect(body.projector_lag_seconds).toBeLessThan(60);
    expect(body.projector_lag_blocks).toBe(4);

    const strict = await startTestApi(database, { READY_MAX_LAG_SECONDS: '10' });
    try {
      const response = await get(strict, '/readyz');
      expect(response.status).toBe(503);
      expect(response.json()).toMatchObject({ status: 'unavailable', database: 'ok', max_lag_seconds: 10 });
    } finally {
      await strict.stop();
    }
    await moveCommands(database, [a.commandId, b.commandId], 'PROJECTED');
    expect((await get(api, '/readyz')).json()).toMatchObject({
      projector_lag_seconds: 0,
      projector_lag_blocks: 0,
    });
  });

  it('/readyz fails when the database is unreachable', async () => {
    const gone = await createTestDatabase();
    const orphan = await startTestApi(gone);
    try {
      await gone.drop();
      const response = await get(orphan, '/readyz');
      expect(response.status).toBe(503);
      expect(response.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
      expect((await get(orphan, '/livez')).status).toBe(200);
    } finally {
      await orphan.stop();
    }
  });
});

describe('/metrics', () => {
  it("exposes the design's metrics and the process metrics", async () => {
    await gql(api, 'query Hello { __typename }');
    await gql(api, 'query Broken { me { id } }');
    const client = wsClient(api);
    await client.iterate({ query: '{ __typename }' }).next();
    const response = await get(api, '/metrics');
    expect(response.status).toBe(200);
    const text = response.text;
    expect(text).toContain('http_requests_total{method="POST",route="/graphql",status="200"}');
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.005",method="POST",route="/graphql"}');
    expect(text).toContain(
      'graphql_operations_total{operation_type="query",operation_name="Hello",result="ok"} 1',
    );
    expect(text).toContain(
      'graphql_operations_total{operation_type="query",operation_name="Broken",result="error"} 1',
    );
    expect(text).toContain(
      'graphql_operation_duration_seconds_count{operation_type="query",operation_name="Hello"} 1',
    );
    expect(text).toMatch(/graphql_ws_connections 1\b/);
    expect(text).toContain('graphql_subscriptions_active 0');
    expect(text).toContain('api_command_batch_size_count 0');
    await client.dispose();

    // a write that goes through the group commit is counted in it
    const account = await signUp(api, database);
    const submitted = dataOf(
      await gql(
        api,
        'mutation($input: SubmitKycInput!) { submitKyc(input: $input) { status } }',
        { input: { documentType: 'PASSPORT', documentHash: 'ab'.repeat(32) } },
        { token: account.accessToken },
      ),
    );
    expect(submitted).toEqual({ submitKyc: { status: 'ACCEPTED' } });
    const after = (await get(api, '/metrics')).text;
    expect(after).toContain('api_command_batch_size_count 1');
    expect(after).toContain('api_command_batch_size_bucket{le="1"} 1');
    // and a read's lookup by id in the lookups' own histogram
    dataOf(await gql(api, '{ me { id } }', {}, { token: account.accessToken }));
    const afterRead = (await get(api, '/metrics')).text;
    expect(afterRead).toMatch(/api_lookup_batch_size_count\{lookup="profile"\} [1-9]/);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts unknown paths under one route label', async () => {
    await get(api, '/wp-admin/install.php');
    expect((await get(api, '/metrics')).text).toContain(
      'http_requests_total{method="GET",route="unmatched",status="404"}',
    );
  });
});
