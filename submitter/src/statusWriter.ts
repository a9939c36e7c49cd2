import { notifyCommands, Pipeline, prepared, type Sql } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { sql } from 'drizzle-orm';
import { applyOutcomes, type Outcomes, settledIds } from './sql/applyOutcomes.js';
import {
  failedAtLeaseFence,
  LeaseLostError,
  recordSubmissions,
  type Submission,
} from './sql/recordSubmissions.js';

/** Two: a group's commit waits for its WAL flush, and the next group need not wait behind it. */
const concurrentWrites = 2;

/**
 * A status write finds every row it touches by its key. Its statements are prepared once per
 * connection, and PostgreSQL keeps a generic plan made on what the tables were then: on a young
 * database, a sequential scan of `ledger_transactions`, kept as the table grew until an ANALYZE
 * happened to replan it (a batch-size-1 drain started after an ANALYZE of the near-empty table paid
 * 1.1 ms an outcome write at 10,000 transactions, 0.18 ms by index; PostgreSQL's CPU per command
 * went from 0.5-0.6 to 1.0 ms).
 */
const byKeyOnly = sql`select set_config('enable_seqscan', 'off', true)`;

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit of the hot status writes. Many transactions are in flight; the submissions and
 * outcomes that arrive while one database transaction is being written go together into the next
 * one, with one notice listing all their commands. One PostgreSQL commit per group instead of two
 * per Fabric transaction keeps the submitter's bookkeeping small beside the client's own CPU.
 */
export class StatusWriter {
  readonly #pool: Sql;
  readonly #workerId: string;
  readonly #logger: Logger;
  #submissions: Pending<Submission>[] = [];
  #outcomes: Pending<Outcomes>[] = [];
  #scheduled = false;
  #writing = 0;

  constructor(pool: Sql, workerId: string, logger: Logger) {
    this.#pool = pool;
    this.#workerId = workerId;
    this.#logger = logger;
  }

  /** Resolves once recorded; rejects with `LeaseLostError` if the lease on its commands was lost. */
  record(submission: Submission): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#submissions.push({ item: submission, resolve, reject });
      this.#schedule();
    });
  }

  settle(outcomes: Outcomes): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#outcomes.push({ item: outcomes, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Let what arrives in the same turn of the event loop join.
    setImmediate(() => {
      this.#scheduled = false;
      this.#startWrites();
    });
  }

  /**
   * Up to `concurrentWrites` groups are written at once (on separate connections): what waits for a
   * write under way is the next group. Each command's writes still come one after another (its
   * outcome is settled only once its submission is recorded), so concurrent groups never hold the
   * same rows.
   */
  #startWrites(): void {
    while (this.#writing < concurrentWrites && this.#submissions.length + this.#outcomes.length > 0) {
      this.#writing += 1;
      void this.#flush()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'status write failed'))
        .finally(() => {
          this.#writing -= 1;
          this.#startWrites();
        });
    }
  }

  async #flush(): Promise<void> {
    const submissions = this.#submissions;
    const outcomes = this.#outcomes;
    this.#submissions = [];
    this.#outcomes = [];
    if (submissions.length === 0 && outcomes.length === 0) return;
    try {
      await this.#write(
        submissions.map((p) => p.item),
        outcomes.map((p) => p.item),
      );
      for (const pending of [...submissions, ...outcomes]) pending.resolve();
    } catch (error) {
      if (submissions.length + outcomes.length === 1) {
        for (const pending of [...submissions, ...outcomes]) pending.reject(error);
        return;
      }
      // One member spoiled the group (a lost lease): write each on its own, so only it fails.
      this.#logger.debug(
        { err: error, group: submissions.length + outcomes.length },
        'group write failed; writing one by one',
      );
      for (const pending of submissions) await settleAlone(pending, () => this.#write([pending.item], []));
      for (const pending of outcomes) await settleAlone(pending, () => this.#write([], [pending.item]));
    }
  }

  /**
   * One transaction whose statements, notices and COMMIT go out at once, prepared, and run in
   * order: one round trip. A lost lease fails it at the fence (`LeaseLostError`), notices included:
   * PostgreSQL answers the COMMIT behind a failed statement with a rollback. The notice's ids are
   * known up front: each write moves all of its commands.
   */
  async #write(submissions: readonly Submission[], outcomes: readonly Outcomes[]): Promise<void> {
    const ids = [...submissions.flatMap((s) => s.commandIds), ...settledIds(outcomes)];
    await Pipeline.run(this.#pool, async (tx) => {
      const results = await Promise.allSettled([
        tx.begin(),
        tx.execute(byKeyOnly, prepared),
        submissions.length > 0 && recordSubmissions(tx, this.#workerId, submissions),
        outcomes.length > 0 && applyOutcomes(tx, this.#workerId, outcomes),
        notifyCommands(tx, ids),
        tx.commit(),
      ]);
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      const fence = failures.find(failedAtLeaseFence);
      if (fence) throw new LeaseLostError((fence as { detail?: string }).detail ?? 'lease lost');
      if (failures.length > 0) throw failures[0];
    });
  }
}

/** Resolves or rejects one waiting write by the outcome of writing it on its own. */
async function settleAlone<T>(pending: Pending<T>, write: () => Promise<void>): Promise<void> {
  try {
    await write();
    pending.resolve();
  } catch (error) {
    pending.reject(error);
  }
}
