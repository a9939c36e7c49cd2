import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { inFlight } from './officialClient.js';
import { processRssMiB } from './processMemory.js';
import { projectBlock } from './projectBlock.js';
import { type Summary, summarize } from './stats.js';
import { type CommandStatusEvents, SubscriptionSocket } from './subscriptionSocket.js';

export interface Follow {
  commandId: string;
  /** Who may follow it: the sockets are opened per owner, with the owner's token. */
  owner: string;
  token: string;
}

export interface FanoutOptions {
  /** The api's `ws://…/graphql`. */
  wsUrl: string;
  db: Db;
  logger: Logger;
  /** Accepted commands, one subscription each. */
  follows: readonly Follow[];
  /** Subscriptions per socket (each socket carries one owner's). */
  perSocket: number;
  /** Commands projected per block, and how many such blocks; the first `blockSize × blocks` follows. */
  blockSize: number;
  blocks: number;
  timeoutMs: number;
  /** The api's process id: its resident memory is read while every subscription is held. */
  serverPid: number;
}

export interface FanoutResult {
  sockets: number;
  subscriptions: number;
  /** From the first subscribe to every subscription's first state. */
  establishSeconds: number;
  /** The api's resident memory with every subscription held. */
  serverRssMiB: number;
  /** PROJECTED received − COMMIT sent, in ms, over every projected command of every block. */
  latency: Summary;
  perBlock: Summary[];
  /**
   * PROJECTED received − COMMIT acknowledged (0 for a message that came first): the api's part
   * alone, without the time PostgreSQL took to commit.
   */
  afterCommitted: Summary;
  /** COMMIT sent → acknowledged, per block, in ms. */
  commit: Summary;
  errors: number;
  firstError?: string;
}

/**
 * Holds one `commandStatus` subscription per accepted command, then projects blocks of them with
 * the projector's own transaction and times each PROJECTED message from the moment its block's
 * COMMIT was sent (the NOTIFY goes out at commit).
 */
export async function measureSubscriptionFanout(options: FanoutOptions): Promise<FanoutResult> {
  const firstAt = new Map<string, number>();
  const projectedAt = new Map<string, number>();
  let errors = 0;
  let firstError: string | undefined;
  const events: CommandStatusEvents = {
    state(commandId, status, receivedAt) {
      if (!firstAt.has(commandId)) firstAt.set(commandId, receivedAt);
      if (status === 'PROJECTED') projectedAt.set(commandId, receivedAt);
    },
    error(commandId, reason) {
      errors++;
      firstError ??= `${commandId}: ${reason}`;
    },
  };

  const groups: Follow[][] = [];
  const byOwner = new Map<string, Follow[]>();
  for (const follow of options.follows) {
    const owned = byOwner.get(follow.owner);
    if (owned) owned.push(follow);
    else byOwner.set(follow.owner, [follow]);
  }
  for (const owned of byOwner.values()) {
    for (let i = 0; i < owned.length; i += options.perSocket)
      groups.push(owned.slice(i, i + options.perSocket));
  }
  const sockets: SubscriptionSocket[] = [];
  const started = performance.now();
  try {
    await inFlight(groups.length, 64, async (i) => {
      const group = groups[i]!;
      const socket = await SubscriptionSocket.open(options.wsUrl, group[0]!.token, events);
      sockets.push(socket);
      for (const follow of group) socket.follow(follow.commandId);
    });
    await until(() => firstAt.size + errors >= options.follows.length, options.timeoutMs, 'first states');
    const establishSeconds = (performance.now() - started) / 1_000;
    const serverRssMiB = processRssMiB(options.serverPid);

    const latencies: number[] = [];
    const afterCommitted: number[] = [];
    const perBlock: Summary[] = [];
    const commits: number[] = [];
    for (let b = 0; b < options.blocks; b++) {
      const ids = options.follows
        .slice(b * options.blockSize, (b + 1) * options.blockSize)
        .map((f) => f.commandId);
      if (ids.length === 0) break;
      const block = await projectBlock(options.db, ids, options.logger);
      const commit = block.committedAt - block.commitSentAt;
      commits.push(commit);
      await until(() => ids.every((id) => projectedAt.has(id)), options.timeoutMs, `block ${b} PROJECTED`);
      const times = ids.map((id) => projectedAt.get(id)! - block.commitSentAt);
      latencies.push(...times);
      afterCommitted.push(...times.map((time) => Math.max(0, time - commit)));
      perBlock.push(summarize(times));
      await sleep(200);
    }
    return {
      sockets: groups.length,
      subscriptions: options.follows.length,
      establishSeconds,
      serverRssMiB,
      latency: summarize(latencies),
      perBlock,
      afterCommitted: summarize(afterCommitted),
      commit: summarize(commits),
      errors,
      ...(firstError ? { firstError } : {}),
    };
  } finally {
    for (const socket of sockets) socket.close();
  }
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
