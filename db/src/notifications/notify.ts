import { sql } from 'drizzle-orm';
import type { DbTransaction } from '../aggregateLock.js';
import type { Db } from '../connection.js';
import { Pipeline, prepared } from '../pipeline.js';
import type { Channel } from './channels.js';
import { channels } from './channels.js';
import { encodeCommandNotices } from './commandNotice.js';

type Executor = Db | DbTransaction | Pipeline;

/**
 * NOTIFY inside a transaction: delivered when it commits, never if it rolls back. Every
 * notifying commit takes one global lock, so send one per batch or block, not one per row.
 */
export async function notify(tx: Executor, channel: Channel, payload: string): Promise<void> {
  const statement = sql`select pg_notify(${channel}, ${payload})`;
  await (tx instanceof Pipeline ? tx.execute(statement, prepared) : tx.execute(statement));
}

/**
 * One `gx_command` notice listing the changed command ids (more only when past the size limit),
 * sent together: in a transaction they go out in one round trip.
 */
export async function notifyCommands(tx: Executor, commandIds: readonly string[]): Promise<void> {
  await Promise.all(encodeCommandNotices(commandIds).map((payload) => notify(tx, channels.command, payload)));
}
