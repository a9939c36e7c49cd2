import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Ledger } from '@gx/fabric';
import { DevnetFixture } from '@gx/fabric/testing';
import { sourceServiceArgs } from '@gx/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectorProcess, runWorkload, until } from './testing/index.js';

const run = promisify(execFile);
const projectorRoot = path.resolve(import.meta.dirname, '..');
const fixture = new DevnetFixture({ batchTimeoutMs: 20 });
let database: TestDatabase;
let ledger: Ledger;
let live: ProjectorProcess;

beforeAll(async () => {
  await fixture.start();
  database = await createTestDatabase();
  ledger = await fixture.connect();
  live = new ProjectorProcess({ databaseUrl: database.url, connectionDir: fixture.connectionDir });
  await live.waitForLog((l) => l.msg.startsWith('leading'));
});
afterAll(async () => {
  await live?.kill('SIGKILL');
  ledger?.close();
  await database?.drop();
  await fixture.destroy();
});

/** A CLI as `pnpm --filter @gx/projector <script>` runs it (tsx with the source condition). */
const cli = (script: string, ...args: string[]) =>
  run(
    process.execPath,
    [...sourceServiceArgs(projectorRoot, path.join('src', 'cli', `${script}.ts`)), ...args],
    {
      cwd: projectorRoot,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        FABRIC_CONNECTION_DIR: fixture.connectionDir,
        LOG_FORMAT: 'json',
      },
    },
  );

describe('command line', () => {
  it('status prints checkpoint, height, lag and leader; rebuild prints progress and the comparison', async () => {
    await runWorkload(database.db, ledger, { total: 200, batchSize: 20 });
    const [last] = await until(async () => {
      const rows = await database.sql`
        select count(*)::int as open from commands where status not in ('PROJECTED', 'REJECTED')`;
      return (
        rows[0]!.open === 0 &&
        (await database.sql<{ block_number: string }[]>`select block_number::text from projector_checkpoints`)
      );
    }, 'the commands to be projected');

    const status = (await cli('status')).stdout;
    expect(status).toContain(`checkpoint         block ${last!.block_number}, after transaction `);
    expect(status).toMatch(/chain height {7}\d+/);
    expect(status).toContain(
      'lag                0 block(s), 0.0 s (0 command(s) committed, not yet projected)',
    );
    expect(status).toContain(`leader             pid `);
    expect(status).toContain(`gx-projector-leader`);
    expect(status).toContain(`:${live.pid} `);

    const compared = (await cli('rebuild', '--no-swap')).stdout;
    expect(compared).toContain('done: 200 events replayed');
    expect(compared).toMatch(/transactions\s+\d+\s+\d+\s+0\s+0/);
    expect(compared).toContain('the rebuilt models equal the live ones');
    expect(compared).not.toContain('swapped in');

    const swapped = (await cli('rebuild')).stdout;
    expect(swapped).toContain('the rebuilt models equal the live ones; swapped in');
  }, 120_000);
});
