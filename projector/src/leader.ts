import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type Database, type Sql } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { loggable } from './errors.js';

/** The advisory lock every projector replica of one database competes for. */
export const leaderLockName = 'gx:projector:main';

export interface LeaderLockOptions {
  url: string;
  logger: Logger;
  /** How often a standby tries the lock, and the leader checks its session still holds it. */
  pollMs: number;
  lockName?: string;
}

/**
 * Leadership through a Postgres session-level advisory lock on a dedicated connection: one
 * replica holds it and projects, the others poll for it. The lock lives exactly as long as that
 * session: when the leader dies, Postgres ends its session and frees the lock, and a standby takes
 * it at its next poll. The leader checks its session (backend pid) at every poll, because
 * postgres.js would silently open a new connection after a drop, and that one holds nothing.
 */
export class LeaderLock {
  readonly #options: LeaderLockOptions;
  readonly #database: Database;
  readonly #sql: Sql;
  #pid: number | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #lostHandlers = new Set<() => void>();

  constructor(options: LeaderLockOptions) {
    this.#options = options;
    this.#database = connect(forever(options.url), {
      max: 1,
      applicationName: `gx-projector-leader ${hostname()}:${process.pid}`,
    });
    this.#sql = this.#database.sql;
  }

  get held(): boolean {
    return this.#pid !== undefined;
  }

  /** Called once each time leadership is lost (the session went away). */
  onLost(handler: () => void): () => void {
    this.#lostHandlers.add(handler);
    return () => this.#lostHandlers.delete(handler);
  }

  /** Tries once; true when this process holds the lock (already or now). */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    const name = this.#options.lockName ?? leaderLockName;
    const [row] = await this.#sql<{ acquired: boolean; pid: number }[]>`
      select pg_try_advisory_lock(hashtextextended(${name}, 0)) as acquired, pg_backend_pid() as pid`;
    if (!row?.acquired) return false;
    this.#pid = row.pid;
    this.#heartbeat = setInterval(() => void this.#check(), this.#options.pollMs);
    this.#heartbeat.unref();
    return true;
  }

  /** Polls until the lock is held (true) or `signal` aborts (false). Database errors are retried. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    let logged = false;
    while (!signal.aborted) {
      try {
        if (await this.tryAcquire()) return true;
        if (!logged) this.#options.logger.info('standing by: another projector holds the lock');
        logged = true;
      } catch (error) {
        this.#options.logger.warn(
          { err: loggable(error) },
          'cannot reach the database to take the projector lock',
        );
      }
      await sleep(this.#options.pollMs, undefined, { signal }).catch(() => {});
    }
    return false;
  }

  /** Gives leadership up (the session and its lock stay open only while held). */
  async release(): Promise<void> {
    if (!this.held) return;
    this.#forget();
    const name = this.#options.lockName ?? leaderLockName;
    await this.#sql`select pg_advisory_unlock(hashtextextended(${name}, 0))`.catch(() => {});
  }

  async close(): Promise<void> {
    this.#forget();
    await this.#database.close();
  }

  async #check(): Promise<void> {
    if (!this.held) return;
    let pid: number | undefined;
    try {
      const [row] = await this.#sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      pid = row?.pid;
    } catch (error) {
      this.#options.logger.warn({ err: loggable(error) }, 'lock session check failed');
    }
    if (!this.held || pid === this.#pid) return;
    this.#options.logger.error('projector lock lost: its database session ended');
    this.#forget();
    for (const handler of this.#lostHandlers) handler();
  }

  #forget(): void {
    this.#pid = undefined;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

/**
 * The lock's session must not be recycled: postgres.js ends every connection after 30 to 60 minutes
 * unless `max_lifetime` is 0, which it also reads from the URL's query.
 */
function forever(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('max_lifetime', '0');
  parsed.searchParams.set('idle_timeout', '0');
  return parsed.toString();
}

export interface LeaderSession {
  pid: number;
  applicationName: string;
  clientAddress: string | null;
  since: string;
}

/** Which database session holds the projector lock right now, if any. */
export async function findLeader(sql: Sql, lockName = leaderLockName): Promise<LeaderSession | undefined> {
  const [row] = await sql<
    { pid: number; application_name: string; client_addr: string | null; since: string }[]
  >`
    with lock as (select hashtextextended(${lockName}, 0) as k)
    select a.pid, a.application_name, host(a.client_addr) as client_addr, a.backend_start::text as since
    from pg_locks l join pg_stat_activity a on a.pid = l.pid, lock
    where l.locktype = 'advisory' and l.granted and l.objsubid = 1
      and l.classid = ((lock.k >> 32) & 4294967295)::oid and l.objid = (lock.k & 4294967295)::oid`;
  return row
    ? {
        pid: row.pid,
        applicationName: row.application_name,
        clientAddress: row.client_addr,
        since: row.since,
      }
    : undefined;
}
