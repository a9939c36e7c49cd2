import { aggregateLockKeys, type Sql } from '@gx/db';
import type { Logger } from '@gx/runtime';
import type { CommandPayload, CommandType } from '@gx/schema';
import { safeError } from '../safeError.js';
import type { ProfileNames } from './profileState.js';

/** A command row as the api writes it: what the write decided, and who sent it with which key. */
export interface CommandRow {
  id: string;
  type: CommandType;
  aggregateId: string;
  touches: readonly string[];
  payload: CommandPayload;
  requesterId: string | null;
  idempotencyKey: string | null;
  fingerprint: string | null;
  correlationId: string;
  /** The profile's names and country an UPDATE_PROFILE was built on: written only if they still hold. */
  profileBuiltOn?: ProfileNames | undefined;
}

interface Waiting {
  row: CommandRow;
  settle: (inserted: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Group commit for the commands that write nothing but their row (all but register): those accepted
 * while a batch is being written go out together in the next one, so one transaction and one WAL
 * flush serve them all. A transaction of its own per command made PostgreSQL's share of a write most
 * of its cost.
 *
 * A batch takes the advisory locks of all its aggregates, in one order (the keys' hashes), before it
 * inserts (and so draws any `seq`), so per aggregate `seq` still orders the commit order, and two
 * batches, or a batch and a locked transaction (which holds one lock only), cannot wait on each other.
 * A row built on what its write read of a profile is inserted only if, under the lock, that still
 * holds. A row whose idempotency key its sender used before is skipped (`on conflict do nothing`):
 * `insert` answers false and the caller looks the first command up. A batch that fails is split:
 * each of its commands is tried alone, so one bad row fails only its own write.
 */
export class CommandBatches {
  readonly #sql: Sql;
  readonly #logger: Logger;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #observe: (commands: number) => void;
  #queue: Waiting[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    sql: Sql,
    logger: Logger,
    options: { maxInFlight?: number; maxBatch?: number; observe?: (commands: number) => void } = {},
  ) {
    this.#sql = sql;
    this.#logger = logger;
    this.#maxInFlight = options.maxInFlight ?? 2;
    this.#maxBatch = options.maxBatch ?? 200;
    this.#observe = options.observe ?? (() => {});
  }

  /**
   * Inserts the row with the next batch: true once committed; false when it was skipped, for its
   * idempotency key or because its profile is no longer as it was built on.
   */
  insert(row: CommandRow): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.#queue.push({ row, settle, fail });
      // the writes of this turn of the event loop go out together
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#send();
        });
      }
    });
  }

  #send(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#nextBatch();
      this.#inFlight++;
      void this.#write(batch).finally(() => {
        this.#inFlight--;
        this.#send();
      });
    }
  }

  /**
   * The next batch, in arrival order. A row built on its profile waits for the next batch if its
   * aggregate already has a row in this one: its check would then rest on a row of its own
   * statement, inserted a moment before it, and so on the order the statement runs in.
   */
  #nextBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const aggregates = new Set<string>();
    const waiting: Waiting[] = [];
    for (const next of this.#queue) {
      const { aggregateId, profileBuiltOn } = next.row;
      if (batch.length === this.#maxBatch || (profileBuiltOn && aggregates.has(aggregateId))) {
        waiting.push(next);
        continue;
      }
      batch.push(next);
      aggregates.add(aggregateId);
    }
    this.#queue = waiting;
    return batch;
  }

  async #write(batch: readonly Waiting[]): Promise<void> {
    let inserted: Set<string>;
    try {
      inserted = await this.#insertAll(batch.map((waiting) => waiting.row));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.fail(error);
        return;
      }
      this.#logger.warn(
        { error: safeError(error), commands: batch.length },
        'command batch failed; writing its commands one by one',
      );
      await Promise.all(batch.map((waiting) => this.#write([waiting])));
      return;
    }
    this.#observe(batch.length);
    for (const waiting of batch) waiting.settle(inserted.has(waiting.row.id));
  }

  /**
   * The rows, in one call that is its own transaction: one write to PostgreSQL and one answer.
   * `gx_insert_commands` (migration 0012) takes the aggregates' locks, so no `seq` is drawn before
   * every lock is held, then inserts in a statement of its own: its snapshot, taken after the locks,
   * sees what their holders committed meanwhile, which a row built on its profile is checked against.
   * The rows go as one JSON parameter (absent fields, `profileBuiltOn`, come as null), so the call is
   * the same for any batch and prepared once per connection.
   */
  async #insertAll(rows: readonly CommandRow[]): Promise<Set<string>> {
    const json = JSON.stringify(rows.map((row, ord) => ({ ...row, ord })));
    const keys = aggregateLockKeys(rows.map((row) => row.aggregateId));
    const inserted = await this.#sql<{ id: string }[]>`
      select id from gx_insert_commands(${json}::text::jsonb, ${keys}::text::jsonb) as id`;
    return new Set(inserted.map((row) => row.id));
  }
}
