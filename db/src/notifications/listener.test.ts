import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@gx/runtime';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, freePort, startEmbeddedPostgres } from '../embedded/index.js';
import { channels } from './channels.js';
import { createListener, type NotificationListener } from './listener.js';

const logger = createLogger({ service: 'listener-test', level: 'silent', format: 'json' });

/** Resolves with the next payload on `channel`, or rejects after `ms`. */
function nextNotice(listener: NotificationListener, channel: (typeof channels)['command'], ms = 5_000) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no notice on ${channel} within ${ms} ms`));
    }, ms);
    const unsubscribe = listener.subscribe(channel, (payload) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(payload);
    });
  });
}

function nextGap(listener: NotificationListener, ms = 15_000) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no gap reported within ${ms} ms`)), ms);
    const off = listener.onGap(() => {
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

describe('notification listener', () => {
  let folder: string;
  let server: EmbeddedPostgres;
  let port: number;
  let sender: postgres.Sql;
  let listener: NotificationListener;

  const start = async () => {
    server = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pg'), port, logger, ephemeral: true });
  };

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'gx-listener-'));
    chmodSync(folder, 0o755);
    port = await freePort();
    await start();
    sender = postgres(server.url, { max: 1, onnotice: () => {} });
    listener = createListener(server.url, {
      logger,
      reconnectDelayMs: 50,
      maxReconnectDelayMs: 500,
      heartbeatMs: 500,
    });
    listener.subscribe(channels.command, () => {});
    await listener.ready();
  });

  afterAll(async () => {
    await listener?.close();
    await sender?.end({ timeout: 1 });
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('delivers a notice sent in a committed transaction, and none from a rolled back one', async () => {
    const received = nextNotice(listener, channels.command);
    await sender.begin(async (tx) => {
      await tx`select pg_notify(${channels.command}, 'a,b')`;
    });
    expect(await received).toBe('a,b');

    const nothing = nextNotice(listener, channels.command, 300);
    await sender
      .begin(async (tx) => {
        await tx`select pg_notify(${channels.command}, 'rolled-back')`;
        throw new Error('roll back');
      })
      .catch(() => {});
    await expect(nothing).rejects.toThrow('no notice');
  });

  it('survives pg_terminate_backend of its connection, reports the gap, and delivers again', async () => {
    const gap = nextGap(listener);
    const [row] = await sender<{ count: string }[]>`
      select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'gx-listener'`;
    expect(Number(row?.count)).toBe(1);
    await gap;
    expect(listener.connected).toBe(true);

    const received = nextNotice(listener, channels.command);
    await sender`select pg_notify(${channels.command}, 'after-terminate')`;
    expect(await received).toBe('after-terminate');
  });

  it('survives a restart of the server, reports the gap, and delivers again', async () => {
    const gap = nextGap(listener);
    await sender.end({ timeout: 1 });
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 700)); // reconnection attempts fail meanwhile
    expect(listener.connected).toBe(false);
    await start();
    await gap;

    sender = postgres(server.url, { max: 1, onnotice: () => {} });
    const received = nextNotice(listener, channels.command);
    await sender`select pg_notify(${channels.command}, 'after-restart')`;
    expect(await received).toBe('after-restart');
  });
});
