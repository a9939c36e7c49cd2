import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, Pipeline, readLag } from '@gx/db';
import { arrivedTogether, type Ledger } from '@gx/fabric';
import type { Logger, Readiness } from '@gx/runtime';
import {
  CheckpointMovedError,
  describe,
  liveCheckpoint,
  type Position,
  readCheckpoint,
  toLedgerCheckpoint,
} from './checkpoint.js';
import { loggable } from './errors.js';
import { transactionGroups } from './groups.js';
import { LeaderLock } from './leader.js';
import type { ProjectorMetrics } from './metrics.js';
import { projectEvents } from './project.js';
import type { UnpackedEvent } from './unpack.js';

export interface ProjectorOptions {
  /** The pool the projection transactions run on. */
  database: Database;
  /** For the leader lock's own session. */
  databaseUrl: string;
  ledger: Ledger;
  logger: Logger;
  metrics: ProjectorMetrics;
  leaderPollMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Blocks are grouped into one transaction while behind, up to about this many domain events. */
  maxGroupEvents: number;
  reconnectDelayMs: number;
}

export type ProjectorState = 'starting' | 'standby' | 'leader' | 'stopping' | 'stopped';

/**
 * The live projection: stands by until it holds the leader lock, then reads the ledger's events
 * strictly after the checkpoint and projects each group of blocks in one transaction. A database
 * fault retries the same group with backoff; a moved checkpoint (another leader) or a lost lock
 * sends it back to standing by.
 */
export class Projector {
  readonly #options: ProjectorOptions;
  readonly #leader: LeaderLock;
  readonly #stop = new AbortController();
  #state: ProjectorState = 'starting';
  #position: Position | undefined;
  #running: Promise<void> | undefined;

  constructor(options: ProjectorOptions) {
    this.#options = options;
    this.#leader = new LeaderLock({
      url: options.databaseUrl,
      logger: options.logger,
      pollMs: options.leaderPollMs,
    });
  }

  get state(): ProjectorState {
    return this.#state;
  }

  /** The checkpoint this process last committed or resumed from (while leading). */
  get position(): Position | undefined {
    return this.#position;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Finishes the group in progress (its transaction commits or rolls back whole), then lets go of the lock. */
  async stop(): Promise<void> {
    this.#state = 'stopping';
    this.#stop.abort();
    await this.#running;
    await this.#leader.close();
    this.#state = 'stopped';
  }

  /** Ready: the database answers, and this process leads or stands by. Lag is reported, not judged. */
  async readiness(): Promise<Readiness> {
    const { sql } = this.#options.database;
    try {
      const lag = await readLag(sql, liveCheckpoint);
      const working = this.#state === 'leader' || this.#state === 'standby';
      return {
        ready: working,
        details: {
          role: this.#state,
          checkpointBlock: lag.checkpointBlock?.toString() ?? null,
          lagBlocks: lag.lagBlocks,
          lagSeconds: lag.lagSeconds,
        },
      };
    } catch (error) {
      this.#options.logger.warn({ err: loggable(error) }, 'readiness: database unreachable');
      return { ready: false, details: { role: this.#state, database: 'unreachable' } };
    }
  }

  async #run(): Promise<void> {
    const { logger, metrics } = this.#options;
    const signal = this.#stop.signal;
    metrics.isLeader.set(0);
    while (!signal.aborted) {
      this.#state = 'standby';
      if (!(await this.#leader.acquire(signal))) break;
      this.#state = 'leader';
      metrics.isLeader.set(1);
      try {
        await this.#lead();
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof CheckpointMovedError) {
          logger.warn({ err: loggable(error) }, 'checkpoint moved by another projector: re-reading it');
        } else {
          logger.error(
            { err: loggable(error) },
            'projection interrupted; starting again from the checkpoint',
          );
        }
        await sleep(this.#options.retryBaseMs, undefined, { signal }).catch(() => {});
      } finally {
        metrics.isLeader.set(0);
        this.#position = undefined;
      }
    }
    if (!signal.aborted) return;
    this.#state = 'stopping';
    await this.#leader.release();
  }

  /** Projects while this process holds the lock; returns when it stops or loses it. */
  async #lead(): Promise<void> {
    const { ledger, logger, maxGroupEvents, reconnectDelayMs, database } = this.#options;
    const stop = this.#stop.signal;
    const lost = new AbortController();
    const offLost = this.#leader.onLost(() => lost.abort());
    let position = await readCheckpoint(database.db, liveCheckpoint);
    this.#position = position;
    logger.info(
      {
        checkpoint: describe(position),
        blockNumber: position.blockNumber.toString(),
        transactionId: position.transactionId ?? null,
      },
      'leading: projecting the events after the checkpoint',
    );
    const events = ledger.events(toLedgerCheckpoint(position), { reconnectDelayMs });
    const close = () => events.close();
    stop.addEventListener('abort', close);
    lost.signal.addEventListener('abort', close);
    try {
      for await (const group of transactionGroups(arrivedTogether(events), maxGroupEvents)) {
        if (stop.aborted || lost.signal.aborted) break;
        position = await this.#project(group, position, lost.signal);
        this.#position = position;
      }
    } finally {
      stop.removeEventListener('abort', close);
      lost.signal.removeEventListener('abort', close);
      offLost();
      events.close();
    }
    if (lost.signal.aborted) logger.warn('leadership lost: standing by');
  }

  /** One group in one transaction; a database fault retries the same group with backoff, never skips it. */
  async #project(group: UnpackedEvent[], from: Position, lost: AbortSignal): Promise<Position> {
    const { database, logger, metrics, retryBaseMs, retryMaxMs } = this.#options;
    const stop = this.#stop.signal;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const outcome = await Pipeline.run(database.sql, (pipeline) =>
          projectEvents(pipeline, group, { checkpoint: liveCheckpoint, from, mode: 'live', logger }),
        );
        metrics.processingDuration.observe((performance.now() - started) / 1000);
        metrics.eventsProcessed.inc({ status: 'success' }, outcome.applied + outcome.rejected);
        if (outcome.invalid > 0) {
          metrics.eventsProcessed.inc({ status: 'validation_failed' }, outcome.invalid);
          logger.warn(
            { count: outcome.invalid, blockNumber: outcome.to.blockNumber.toString() },
            'events failed validation: stored in projection_errors and skipped',
          );
        }
        for (const command of outcome.projected) {
          metrics.stageDuration.observe(
            { stage: 'projected' },
            Math.max(0, (command.projectedAt.getTime() - command.createdAt.getTime()) / 1000),
          );
        }
        logger.debug(
          {
            ms: Math.round((performance.now() - started) * 100) / 100,
            blocks: `${group[0]?.blockNumber}..${outcome.to.blockNumber}`,
            applied: outcome.applied,
            rejected: outcome.rejected,
            invalid: outcome.invalid,
          },
          'projected',
        );
        return outcome.to;
      } catch (error) {
        if (error instanceof CheckpointMovedError || stop.aborted || lost.aborted) throw error;
        const delay = Math.min(retryBaseMs * 2 ** Math.min(attempt - 1, 20), retryMaxMs);
        logger.error(
          { err: loggable(error), attempt, retryInMs: delay, blockNumber: group[0]?.blockNumber.toString() },
          'projecting a block failed; retrying the same block',
        );
        await sleep(delay, undefined, { signal: AbortSignal.any([stop, lost]) }).catch(() => {});
        if (stop.aborted || lost.aborted) throw error;
      }
    }
  }
}
