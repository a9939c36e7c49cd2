import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@gx/runtime';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './launcher.js';
import { freePort } from './portAvailable.js';
import { serverRunAs } from './runAsUser.js';

const logger = createLogger({ service: 'embedded-test', level: 'silent', format: 'json' });

describe('embedded PostgreSQL', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'gx-embedded-'));
    chmodSync(folder, 0o755);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('starts on a fresh data dir, then again on the existing one with its data', async () => {
    const dataDir = path.join(folder, 'pg');
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir, port, logger });
    expect(first.started).toBe(true);
    expect(first.url).toBe(`postgres://gx:gx@127.0.0.1:${port}/gx`);
    let sql = postgres(first.url, { max: 1, onnotice: () => {} });
    await sql`create table kept (value text)`;
    await sql`insert into kept values ('still here')`;
    await sql.end();
    await first.stop();
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir, port, logger });
    try {
      sql = postgres(second.url, { max: 1, onnotice: () => {} });
      const rows = await sql<{ value: string }[]>`select value from kept`;
      await sql.end();
      expect(rows).toEqual([{ value: 'still here' }]);
    } finally {
      await second.stop();
    }
  });

  it('reuses a server already running on the data dir instead of starting a second', async () => {
    const dataDir = path.join(folder, 'shared');
    const port = await freePort();
    const owner = await startEmbeddedPostgres({ dataDir, port, logger });
    try {
      const guest = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger });
      expect(guest.started).toBe(false);
      expect(guest.port).toBe(port);
      await guest.stop(); // not adopted: the owner's server keeps running
      const sql = postgres(owner.url, { max: 1, onnotice: () => {} });
      expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }]);
      await sql.end();
    } finally {
      await owner.stop();
    }
  });

  it('refuses with a clear message when its port is taken by something else', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      await expect(
        startEmbeddedPostgres({ dataDir: path.join(folder, 'busy'), port, logger }),
      ).rejects.toThrow(
        `port ${port} on 127.0.0.1 is taken by another program; set GX_PG_PORT to a free port or stop that program`,
      );
    } finally {
      blocker.close();
    }
  });

  it.runIf(serverRunAs() !== undefined)(
    'as root, names the folder its user cannot enter and points to GX_DATA_DIR',
    async () => {
      const locked = path.join(folder, 'locked');
      mkdirSync(locked, { mode: 0o700 });
      chmodSync(locked, 0o700);
      await expect(
        startEmbeddedPostgres({ dataDir: path.join(locked, 'pg'), port: await freePort(), logger }),
      ).rejects.toThrow(`cannot enter ${locked}; set GX_DATA_DIR`);
    },
  );
});
