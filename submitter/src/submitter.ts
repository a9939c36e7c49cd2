import type { Database, Db, NotificationListener, Sql } from '@gx/db';
import { channels, ReserveTimeoutError } from '@gx/db';
import type { Ledger } from '@gx/fabric';
import type { Logger } from '@gx/runtime';
import type { SubmitterMetrics } from './metrics.js';
import type { ClaimedCommand } from './plan.js';
import { type BatchContext, processBatch } from './processBatch.js';
import { claimBatches } from './sql/claimBatches.js';
import { releaseAll, releaseStaleLeases, renewLeases } from './sql/leases.js';
import { queueStats } from './sql/queueStats.js';
import { StatusWriter } from './statusWriter.js';

export interface SubmitterSettings {
  workerId: string;
  maxBatch: number;
  maxInFlight: number;
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  backoff: { baseMs: number; capMs: number };
}

/**
 * While the queue is backed up (the last claim left due commands waiting), a hint of new commands
 * claims at most this often. Such a claim reads its whole window and every command in flight, and
 * mostly finds the new commands waiting too; claiming on every `gx_outbox` notice of an overloaded
 * queue (one per accepted write) cost more CPU than sending (the 2 s overload of bench/queryable.ts:
 * 2.4 ms of submitter CPU per command, batches cost 0.35). A finished batch still claims at once: it
 * is what lets waiting commands go. A hint (a notice or the poll) that a claim started after has
 * been answered by it, and claims nothing more: in a batched drain, where batches finish every few
 * tens of milliseconds, a 100 ms poll's claims took nothing in 159 of 217.
 */
const backedUpClaimIntervalMs = 100;

/**
 * How long a claim waits for its connection. A reserve queued while PostgreSQL restarts is never
 * settled by postgres.js 3.4.9 (porsager/postgres#1195): the submitter stayed alive and ready and
 * claimed nothing again (the fault suite's PostgreSQL restart). Past this, its pool is opened anew.
 */
const claimReserveTimeoutMs = 10_000;

/**
 * The outbox worker: wakes on a `gx_outbox` notice (or the poll), claims what may go, and keeps
 * up to `maxInFlight` Fabric transactions going. Stops claiming while the breaker is open.
 */
export class Submitter {
  readonly #db: Db;
  readonly #openClaimPool: () => Sql;
  #claimPool: Sql;
  readonly #ledger: Ledger;
  readonly #listener: NotificationListener | undefined;
  readonly #logger: Logger;
  readonly #metrics: SubmitterMetrics;
  readonly #settings: SubmitterSettings;
  readonly #context: BatchContext;
  readonly #inFlight = new Set<Promise<void>>();
  /** The commands of the batches in `#inFlight`: the claims whose leases this worker renews. */
  readonly #held = new Set<string>();
  /** Commands of `#held` the ledger has committed, whose outcomes are still being written. */
  readonly #onLedger = new Set<string>();
  /** The claim loop last found every slot taken: a batch's end is what it waits for. */
  #waitsForSlot = false;
  #stopping = false;
  #wakeUp: (() => void) | undefined;
  #woken = false;
  /** The last claim left due commands waiting: hints are paced (see `backedUpClaimIntervalMs`). */
  #backedUp = false;
  #lastClaimAt = 0;
  /** When the latest hint arrived while the queue was backed up (see `wake`). */
  #hintAt = 0;
  #pacedWake: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #unsubscribe: (() => void)[] = [];

  constructor(deps: {
    /** The shared pool: drizzle for most statements, postgres.js for the pipelined status writes. */
    database: Pick<Database, 'db' | 'sql'>;
    /**
     * Opens a pool of one connection, for the claim alone: it pipelines its statements on a
     * reserved connection, and a shared pool kept busy by the batches in flight may never have one
     * idle. The submitter closes it on stop, and opens another if a claim's reserve is stranded.
     */
    openClaimPool: () => Sql;
    ledger: Ledger;
    listener?: NotificationListener;
    logger: Logger;
    metrics: SubmitterMetrics;
    settings: SubmitterSettings;
  }) {
    this.#db = deps.database.db;
    this.#openClaimPool = deps.openClaimPool;
    this.#claimPool = deps.openClaimPool();
    this.#ledger = deps.ledger;
    this.#listener = deps.listener;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#settings = deps.settings;
    this.#context = {
      db: deps.database.db,
      ledger: deps.ledger,
      writer: new StatusWriter(deps.database.sql, deps.settings.workerId, deps.logger),
      workerId: deps.settings.workerId,
      maxAttempts: deps.settings.maxAttempts,
      backoff: deps.settings.backoff,
      maxConflictSplits: 4,
      // Their aggregates' next commands need not wait for the outcome write: claim them now.
      onLedgerCommit: (commandIds) => {
        for (const id of commandIds) this.#onLedger.add(id);
        this.#wakeNow();
      },
      logger: deps.logger,
      metrics: deps.metrics,
    };
  }

  async start(): Promise<void> {
    if (this.#listener) {
      this.#unsubscribe.push(this.#listener.subscribe(channels.outbox, () => this.wake()));
      this.#unsubscribe.push(this.#listener.onGap(() => this.wake()));
      await this.#listener.ready();
    }
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => {
        task().catch((error: unknown) => this.#logger.warn({ err: error }, 'periodic task failed'));
      }, ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.#settings.pollMs, async () => this.wake());
    every(Math.max(1_000, this.#settings.leaseMs / 3), async () => {
      await renewLeases(this.#db, this.#settings.workerId, [...this.#held]);
      if ((await releaseStaleLeases(this.#db, this.#settings.leaseMs)) > 0) this.#wakeNow();
    });
    every(5_000, () => this.#refreshQueueStats());
    this.#loop = this.#run();
    this.#logger.info({ workerId: this.#settings.workerId, ...this.#settings.backoff }, 'submitter started');
  }

  /** A hint that commands may be waiting: claims at once, or paced while the queue is backed up. */
  wake(): void {
    if (!this.#backedUp) {
      this.#wakeNow();
      return;
    }
    this.#hintAt = performance.now();
    this.#pacedWake ??= setTimeout(
      () => {
        this.#pacedWake = undefined;
        // A claim that started after the latest hint has read what the hints were about.
        if (this.#lastClaimAt > this.#hintAt) return;
        this.#wakeNow();
      },
      Math.max(0, this.#lastClaimAt + backedUpClaimIntervalMs - performance.now()),
    );
  }

  #wakeNow(): void {
    clearTimeout(this.#pacedWake);
    this.#pacedWake = undefined;
    this.#woken = true;
    this.#wakeUp?.();
  }

  /**
   * Stops claiming, lets the transactions in flight finish within `graceMs`, then hands back to
   * the queue whatever this worker still holds.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#wakeNow();
    for (const timer of this.#timers) clearInterval(timer);
    for (const off of this.#unsubscribe) off();
    await this.#loop;
    const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), grace]);
    const released = await releaseAll(this.#db, this.#settings.workerId);
    await this.#claimPool.end({ timeout: 5 });
    this.#logger.info({ released, unfinished: this.#inFlight.size }, 'submitter stopped');
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#woken = false;
      let claimedSomething = false;
      const freeSlots = this.#settings.maxInFlight - this.#inFlight.size;
      this.#waitsForSlot = freeSlots <= 0;
      if (freeSlots > 0 && this.#ledger.breakerState !== 'OPEN') {
        try {
          this.#lastClaimAt = performance.now();
          const { batches, leftWaiting } = await claimBatches(this.#claimPool, {
            workerId: this.#settings.workerId,
            leaseMs: this.#settings.leaseMs,
            freeSlots,
            transactionsInFlight: this.#inFlight.size,
            maxBatch: this.#settings.maxBatch,
            onLedger: this.#onLedger,
            reserveTimeoutMs: claimReserveTimeoutMs,
          });
          this.#backedUp = leftWaiting > 0;
          for (const batch of batches) this.#launch(batch);
          claimedSomething = batches.length > 0;
        } catch (error) {
          this.#logger.error({ err: error }, 'claim failed; retrying at the next wake');
          if (error instanceof ReserveTimeoutError) this.#reopenClaimPool();
        }
      }
      if (!claimedSomething && !this.#woken && !this.#stopping) await this.#nextWake();
    }
  }

  #reopenClaimPool(): void {
    const stranded = this.#claimPool;
    this.#claimPool = this.#openClaimPool();
    stranded.end({ timeout: 0 }).catch(() => {});
    this.#logger.warn('claim connection stranded: its pool opened anew');
  }

  #launch(batch: ClaimedCommand[]): void {
    for (const command of batch) this.#held.add(command.id);
    this.#metrics.inFlight.set(this.#held.size);
    const work: Promise<void> = processBatch(this.#context, batch)
      .catch((error: unknown) => {
        this.#logger.error(
          { err: error, correlationIds: batch.map((c) => c.correlationId) },
          'batch failed; its commands return to the queue when their lease expires',
        );
      })
      .finally(() => {
        this.#inFlight.delete(work);
        // A batch the ledger committed woke a claim then; its end frees a slot, which only a
        // claim that found none needs. Any other end may have handed commands back to the queue.
        const claimedAtCommit = batch.every((c) => this.#onLedger.has(c.id));
        for (const command of batch) {
          this.#held.delete(command.id);
          this.#onLedger.delete(command.id);
        }
        this.#metrics.inFlight.set(this.#held.size);
        if (this.#waitsForSlot || !claimedAtCommit) this.#wakeNow();
      });
    this.#inFlight.add(work);
  }

  #nextWake(): Promise<void> {
    return new Promise((resolve) => {
      this.#wakeUp = () => {
        this.#wakeUp = undefined;
        resolve();
      };
    });
  }

  async #refreshQueueStats(): Promise<void> {
    const stats = await queueStats(this.#db);
    this.#metrics.queueDepth.set(stats.depth);
    this.#metrics.oldestPendingAge.set(stats.oldestAgeSeconds);
  }
}
