import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../index.js';
import { startTestApi } from './helpers.js';

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

// The GraphQL over HTTP compliance suite (graphql-http): every MUST item passes.
const audits = serverAudits({ url: () => `${api.url}/graphql`, fetchFn: fetch });

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  it.each(
    audits
      .filter((audit) => audit.name.startsWith('MUST'))
      .map((audit) => [audit.id, audit.name, audit] as const),
  )('%s %s', async (_id, _name, audit) => {
    const result = await audit.fn();
    expect(result, 'reason' in result ? result.reason : '').toMatchObject({ status: 'ok' });
  });

  it('passes the SHOULD items too, or says which it does not', async () => {
    const results = await Promise.all(audits.filter((a) => a.name.startsWith('SHOULD')).map((a) => a.fn()));
    const notOk = results.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.name}`);
    expect(notOk).toEqual([]);
  });
});
