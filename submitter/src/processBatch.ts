import type { Db } from '@gx/db';
import { type Classification, classify, type Ledger, LedgerConflictError } from '@gx/fabric';
import type { Logger } from '@gx/runtime';
import type { CommandVerdict } from '@gx/schema';
import type { SubmitterMetrics } from './metrics.js';
import type { ClaimedCommand } from './plan.js';
import { loadEnvelope } from './sql/ledgerTransaction.js';
import { markConflict } from './sql/markConflict.js';
import { markDead } from './sql/markDead.js';
import { markResubmitted } from './sql/markResubmitted.js';
import { LeaseLostError } from './sql/recordSubmissions.js';
import { type RetrySettings, releaseClaims, scheduleRetry } from './sql/scheduleRetry.js';
import type { StatusWriter } from './statusWriter.js';
import { toLedgerCommand } from './toLedgerCommand.js';

export interface BatchContext {
  db: Db;
  ledger: Ledger;
  /** Group commit of submissions and outcomes. */
  writer: StatusWriter;
  workerId: string;
  maxAttempts: number;
  backoff: RetrySettings;
  /** How often a conflicting batch is split and sent again at once before it waits its turn. */
  maxConflictSplits: number;
  /**
   * Told as soon as the ledger has committed these commands' transaction, before their outcomes
   * are written: their aggregates' next commands may go to the ledger from then on.
   */
  onLedgerCommit(commandIds: readonly string[]): void;
  logger: Logger;
  metrics: SubmitterMetrics;
}

/**
 * Takes one claimed batch to a verdict. Commands whose transaction was recorded before (a worker
 * died, or a fault) are first looked up on the ledger; the others are endorsed in one new
 * transaction, recorded, submitted and settled.
 */
export async function processBatch(ctx: BatchContext, batch: readonly ClaimedCommand[]): Promise<void> {
  const recovering = batch.filter((c) => c.ledgerTxId !== null);
  if (recovering.length === 0) return send(ctx, batch, 0);
  // Rare (after a crash or a fault): settle the recorded transactions alone this round, and let
  // the rest of the batch be claimed again after them, so no aggregate is overtaken.
  const fresh = batch.filter((c) => c.ledgerTxId === null);
  await releaseClaims(ctx.db, { workerId: ctx.workerId, commandIds: fresh.map((c) => c.id), delayMs: 0 });
  for (const [transactionId, commands] of groupBy(recovering, (c) => c.ledgerTxId!)) {
    await recover(ctx, transactionId, commands);
  }
}

async function recover(
  ctx: BatchContext,
  transactionId: string,
  commands: readonly ClaimedCommand[],
): Promise<void> {
  const log = ctx.logger.child({ txId: transactionId, correlationIds: commands.map((c) => c.correlationId) });
  let lookup: Awaited<ReturnType<Ledger['lookup']>>;
  let envelope: Uint8Array | undefined;
  try {
    envelope = await loadEnvelope(ctx.db, transactionId);
    lookup = await ctx.ledger.lookup(transactionId);
  } catch (error) {
    return fail(ctx, commands, classify(error));
  }
  if (lookup.found && lookup.valid && envelope) {
    log.info({ blockNumber: lookup.blockNumber.toString() }, 'recorded transaction found committed');
    return settle(ctx, commands, ctx.ledger.resultsOf(envelope), {
      transactionId,
      blockNumber: lookup.blockNumber,
    });
  }
  if (lookup.found || !envelope) {
    log.info(
      { code: lookup.found ? lookup.codeName : 'no envelope' },
      'recorded transaction invalid: endorsing again',
    );
    if (lookup.found) {
      await markConflict(ctx.db, {
        workerId: ctx.workerId,
        transactionId,
        validationCode: lookup.code,
        commandIds: ids(commands),
      });
    }
    return send(ctx, commands, 0);
  }
  log.info('recorded transaction not on the ledger: resubmitting the same envelope');
  await markResubmitted(ctx.db, { workerId: ctx.workerId, transactionId, commandIds: ids(commands) });
  return submit(ctx, commands, transactionId, envelope, 0);
}

async function send(ctx: BatchContext, commands: readonly ClaimedCommand[], splits: number): Promise<void> {
  ctx.metrics.batchSize.observe(commands.length);
  let prepared: Awaited<ReturnType<Ledger['prepare']>>;
  try {
    prepared = await ctx.ledger.prepare(commands.map(toLedgerCommand));
  } catch (error) {
    const verdict = classify(error);
    if (verdict.kind !== 'rejected') return fail(ctx, commands, verdict);
    if (commands.length === 1) {
      return settle(ctx, commands, [
        { commandId: commands[0]!.id, outcome: 'REJECTED', reason: verdict.reason },
      ]);
    }
    // The whole batch was refused (one malformed command does that): halves until the culprit is alone.
    for (const half of halves(commands)) await send(ctx, half, splits);
    return;
  }
  try {
    await ctx.writer.record({
      transactionId: prepared.transactionId,
      envelope: prepared.envelope,
      commandIds: ids(commands),
    });
  } catch (error) {
    if (error instanceof LeaseLostError) {
      ctx.logger.warn(
        { txId: prepared.transactionId, err: error },
        'lease lost before submission: not submitted',
      );
      return;
    }
    throw error;
  }
  observeStage(ctx, commands, 'submitted');
  return submit(ctx, commands, prepared.transactionId, prepared.envelope, splits);
}

async function submit(
  ctx: BatchContext,
  commands: readonly ClaimedCommand[],
  transactionId: string,
  envelope: Uint8Array,
  splits: number,
): Promise<void> {
  try {
    const committed = await ctx.ledger.submitPrepared(envelope);
    ctx.onLedgerCommit(ids(commands));
    return settle(ctx, commands, committed.results, { transactionId, blockNumber: committed.blockNumber });
  } catch (error) {
    if (!(error instanceof LedgerConflictError)) return fail(ctx, commands, classify(error));
    await markConflict(ctx.db, {
      workerId: ctx.workerId,
      transactionId,
      validationCode: error.validationCode,
      commandIds: ids(commands),
    });
    ctx.logger.info(
      { txId: transactionId, commands: commands.length, code: error.codeName },
      'conflict: endorsing again, smaller',
    );
    if (splits >= ctx.maxConflictSplits) {
      return releaseClaims(ctx.db, {
        workerId: ctx.workerId,
        commandIds: ids(commands),
        delayMs: ctx.backoff.baseMs,
      });
    }
    // Halves in turn, never side by side: they may share keys.
    for (const half of halves(commands)) await send(ctx, half, splits + 1);
  }
}

async function settle(
  ctx: BatchContext,
  commands: readonly ClaimedCommand[],
  results: readonly CommandVerdict[],
  ledger?: { transactionId: string; blockNumber: bigint },
): Promise<void> {
  const mine = new Map(commands.map((c) => [c.id, c]));
  const committed: string[] = [];
  const rejected: { id: string; reason: string }[] = [];
  for (const result of results) {
    if (!mine.has(result.commandId)) continue;
    if (result.outcome === 'REJECTED') rejected.push({ id: result.commandId, reason: result.reason });
    else committed.push(result.commandId);
  }
  await ctx.writer.settle({ committed, rejected, ...(ledger ? { ledger } : {}) });
  ctx.metrics.processed.inc({ status: 'success' }, committed.length);
  ctx.metrics.processed.inc({ status: 'rejected' }, rejected.length);
  const done = committed.map((id) => mine.get(id)!);
  observeStage(ctx, done, 'committed');
  for (const command of done) ctx.metrics.processingDuration.observe(ageSeconds(command));
  const log = ctx.logger.child({ txId: ledger?.transactionId, blockNumber: ledger?.blockNumber.toString() });
  for (const { id, reason } of rejected) {
    log.info(
      { commandId: id, correlationId: mine.get(id)!.correlationId, reason },
      'command rejected by the chaincode',
    );
  }
  log.debug({ correlationIds: done.map((c) => c.correlationId) }, 'commands committed');
}

async function fail(
  ctx: BatchContext,
  commands: readonly ClaimedCommand[],
  verdict: Classification,
): Promise<void> {
  const reason = 'reason' in verdict ? verdict.reason : verdict.kind;
  const log = ctx.logger.child({ correlationIds: commands.map((c) => c.correlationId), reason });
  if (verdict.kind === 'transient' && !verdict.reachedLedger) {
    log.debug('ledger not reached: commands wait without an attempt counted');
    return releaseClaims(ctx.db, {
      workerId: ctx.workerId,
      commandIds: ids(commands),
      delayMs: ctx.backoff.baseMs,
    });
  }
  log.warn('ledger fault: retrying later');
  const exhausted = await scheduleRetry(ctx.db, {
    workerId: ctx.workerId,
    commandIds: ids(commands),
    error: reason,
    maxAttempts: ctx.maxAttempts,
    backoff: ctx.backoff,
  });
  ctx.metrics.processed.inc({ status: 'failed' }, commands.length - exhausted.length);
  if (exhausted.length > 0)
    await giveUp(
      ctx,
      commands.filter((c) => exhausted.includes(c.id)),
    );
}

/** Attempts exhausted: the last transaction is looked up first, since the ledger is the truth. */
async function giveUp(ctx: BatchContext, commands: readonly ClaimedCommand[]): Promise<void> {
  for (const [transactionId, group] of groupBy(commands, (c) => c.ledgerTxId ?? '')) {
    if (transactionId) {
      const found = await ctx.ledger.lookup(transactionId).catch(() => undefined);
      const envelope = found?.found && found.valid ? await loadEnvelope(ctx.db, transactionId) : undefined;
      if (found?.found && envelope) {
        await settle(ctx, group, ctx.ledger.resultsOf(envelope), {
          transactionId,
          blockNumber: found.blockNumber,
        });
        continue;
      }
    }
    await markDead(ctx.db, { workerId: ctx.workerId, commandIds: ids(group) });
    ctx.metrics.processed.inc({ status: 'max_retries' }, group.length);
    for (const command of group) {
      ctx.logger.warn(
        { commandId: command.id, correlationId: command.correlationId },
        'command DEAD: attempts exhausted',
      );
    }
  }
}

function observeStage(
  ctx: BatchContext,
  commands: readonly ClaimedCommand[],
  stage: 'submitted' | 'committed',
): void {
  for (const command of commands) ctx.metrics.stageDuration.observe({ stage }, ageSeconds(command));
}

const ageSeconds = (command: ClaimedCommand) => (Date.now() - command.createdAt.getTime()) / 1000;
const ids = (commands: readonly ClaimedCommand[]) => commands.map((c) => c.id);

function halves<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
