import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Sql } from './connection.js';

type ReservedConnection = Awaited<ReturnType<Sql['reserve']>>;

const dialect = new PgDialect();

/**
 * For `Pipeline.execute`: keep the statement prepared on its connection. Unprepared, a statement with
 * parameters costs postgres.js a round trip to describe it first, and holds back the statements
 * behind it until the answer comes.
 */
export const prepared = { prepare: true } as const;

/** No connection came within the time allowed (see `Pipeline.run`). */
export class ReserveTimeoutError extends Error {
  override name = 'ReserveTimeoutError';
}

/**
 * postgres.js 3.4.9 never settles a `reserve()` queued while the server closes the connection it
 * waits for (porsager/postgres#1195), so a caller that must go on bounds the wait. A connection that
 * comes after all is released at once.
 */
async function reserveWithin(pool: Sql, timeoutMs: number | undefined): Promise<ReservedConnection> {
  const reserving = pool.reserve();
  if (timeoutMs === undefined) return reserving;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ReserveTimeoutError(`no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([reserving, timeout]);
  } catch (error) {
    void reserving.then(
      (connection) => connection.release(),
      () => {},
    );
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One transaction on a reserved connection whose statements are each sent the moment they are
 * issued, in that order, without waiting for the answers to those before (PostgreSQL runs them one
 * after another): BEGIN goes out with the first statements and COMMIT with the last, so a
 * transaction costs as many round trips as it has points where it needs an answer. A statement
 * issued after COMMIT would run outside the transaction: it throws instead.
 */
export class Pipeline {
  readonly #connection: ReservedConnection;
  #state: 'idle' | 'open' | 'ended' = 'idle';

  private constructor(connection: ReservedConnection) {
    this.#connection = connection;
  }

  /**
   * Runs `work` on a connection of its own, rolling back whatever it left open if it throws. With
   * `reserveTimeoutMs`, a connection not had by then throws `ReserveTimeoutError`.
   */
  static async run<T>(
    pool: Sql,
    work: (pipeline: Pipeline) => Promise<T>,
    options: { reserveTimeoutMs?: number } = {},
  ): Promise<T> {
    const connection = await reserveWithin(pool, options.reserveTimeoutMs);
    const pipeline = new Pipeline(connection);
    try {
      return await work(pipeline);
    } catch (error) {
      // after a failed statement PostgreSQL has ended the transaction already: this only warns
      await connection.unsafe('rollback').catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
  }

  begin(): Promise<unknown> {
    if (this.#state !== 'idle') throw new Error('this pipeline has begun its transaction already');
    this.#state = 'open';
    return this.#send(sql`begin`, false);
  }

  /**
   * The statement's rows, typed as its SQL selects them (PostgreSQL's types, as the pool parses them).
   * `prepare` keeps it prepared on the connection, which saves its parse and plan on each later run:
   * only for a statement whose text never varies (arrays bound as one parameter, not IN lists),
   * since the connection keeps every text it prepared.
   */
  execute<Row = Record<string, unknown>>(query: SQL, options: { prepare?: boolean } = {}): Promise<Row[]> {
    if (this.#state !== 'open') throw new Error(`statement issued on a pipeline that is ${this.#state}`);
    return this.#send(query, options.prepare === true) as Promise<Row[]>;
  }

  /** Resolves once committed; after a failed statement PostgreSQL answers COMMIT with a rollback. */
  commit(): Promise<unknown> {
    const committed = this.execute(sql`commit`);
    this.#state = 'ended';
    return committed;
  }

  #send(query: SQL, prepare: boolean): Promise<Record<string, unknown>[]> {
    const { sql: text, params } = dialect.sqlToQuery(query);
    // `execute()` sends it now: a postgres.js query left alone goes out only when awaited
    return this.#connection.unsafe(text, params as never[], { prepare }).execute();
  }
}
