import { randomUUID } from 'node:crypto';
import {
  aggregateLockStatement,
  commands,
  type Db,
  nameArray,
  oneOf,
  type PendingQuery,
  type Sql,
  type SqlRow,
  uuidArray,
} from '@gx/db';
import {
  allowedFrom,
  type CommandPayload,
  type CommandStatus,
  type CommandType,
  commandKeys,
  commandPayloads,
} from '@gx/schema';
import { and, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Viewer } from '../auth/tokens.js';
import { BadUserInputError, ForbiddenError, IdempotencyConflictError, NotFoundError } from '../errors.js';
import type { CommandRow } from './commandBatches.js';
import { type Caller, isAdmin, requireViewer, type Services } from './context.js';
import { parseId, parseIdempotencyKey } from './input.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './pagination.js';
import { sendTogether, throwFirstFailure } from './pipelined.js';
import { perDatabase } from './prepared.js';
import type { ProfileNames } from './profileState.js';

/** What a write mutation answers at once. */
export interface Receipt {
  commandId: string;
  status: CommandStatus;
  /** The profile the command is about: the new one for register, the recipient of a mint, the sender of a transfer. */
  profileId: string | null;
}

/** A command as the API shows it: no payload, so nothing personal. */
export interface CommandView {
  id: string;
  type: CommandType;
  status: CommandStatus;
  attempts: number;
  fabricTxId: string | null;
  blockNumber: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  requesterId: string | null;
}

const viewColumns = {
  id: commands.id,
  seq: commands.seq,
  type: commands.type,
  status: commands.status,
  attempts: commands.attempts,
  ledgerTxId: commands.ledgerTxId,
  blockNumber: commands.blockNumber,
  errorCode: commands.errorCode,
  errorMessage: commands.errorMessage,
  createdAt: commands.createdAt,
  updatedAt: commands.updatedAt,
  requesterId: commands.requesterId,
};

interface ViewRow {
  id: string;
  seq: bigint;
  type: string;
  status: string;
  attempts: number;
  ledgerTxId: string | null;
  blockNumber: bigint | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  requesterId: string | null;
}

function toView(row: ViewRow): CommandView {
  return {
    id: row.id,
    type: row.type as CommandType,
    status: row.status as CommandStatus,
    attempts: row.attempts,
    fabricTxId: row.ledgerTxId,
    blockNumber: row.blockNumber === null ? null : row.blockNumber.toString(),
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    requesterId: row.requesterId,
  };
}

/**
 * The ids as one array parameter, so the statement is the same for any number of them and prepared
 * once: the subscription fan-out reads on every status notice and every new subscription.
 */
const commandsById = perDatabase((db) =>
  db
    .select(viewColumns)
    .from(commands)
    .where(sql`${commands.id} = any(${sql.placeholder('ids')}::uuid[])`)
    .prepare('commands_by_id'),
);

/**
 * The commands whose status is no longer the one known for them (the same index in `statuses`; null
 * matches none): the ids and statuses as two array parameters, unnested side by side.
 */
const changedCommandsById = perDatabase((db) =>
  db
    .select(viewColumns)
    .from(commands)
    .innerJoin(
      sql`unnest(${sql.placeholder('ids')}::uuid[], ${sql.placeholder('statuses')}::text[]) as known(id, status)`,
      sql`known.id = ${commands.id}`,
    )
    .where(sql`${commands.status} is distinct from known.status`)
    .prepare('changed_commands_by_id'),
);

/**
 * Reads commands by id in one query (for lists of ids, e.g. the subscription fan-out). With `known`
 * (a status or null for each id), only those whose status is another: the subscriptions' safety net
 * re-reads every watched command, and almost none has changed, so the unchanged ones should cost
 * the api nothing.
 */
export async function readCommands(
  db: Db,
  ids: readonly string[],
  known?: readonly (CommandStatus | null)[],
): Promise<CommandView[]> {
  if (ids.length === 0) return [];
  if (known && known.length !== ids.length) throw new Error('readCommands: a known status for each id');
  const rows = known
    ? await changedCommandsById(db).execute({ ids: uuidArray(ids), statuses: nameArray(known) })
    : await commandsById(db).execute({ ids: uuidArray(ids) });
  return rows.map(toView);
}

/** The profile a receipt names, from the command's payload. */
const receiptProfileId = sql<
  string | null
>`coalesce(${commands.payload}->>'profileId', ${commands.payload}->>'fromProfileId', ${commands.payload}->>'toProfileId')`;

function profileOf(payload: CommandPayload): string | null {
  const p = payload as Partial<Record<'profileId' | 'fromProfileId' | 'toProfileId', string>>;
  return p.profileId ?? p.fromProfileId ?? p.toProfileId ?? null;
}

/** The idempotency side of a write: who sent it, with which key, and the fingerprint of its input. */
export interface WriteIdentity {
  requesterId: string | null;
  idempotencyKey: string | undefined;
  /** Only with a key: a replay is told apart from a conflict by it, and nothing else reads it. */
  fingerprint: string | null;
  correlationId: string;
}

interface PriorCommandRow {
  id: string;
  status: CommandStatus;
  fingerprint: string;
  payload: CommandPayload;
}

/**
 * The command this caller sent before under `key`, on the unique index (requester, key): a tagged
 * statement, prepared once per connection, so it can go out in one write with the transaction's
 * first statements.
 */
function priorCommand(
  connection: Sql,
  requesterId: string | null,
  key: string,
): PendingQuery<PriorCommandRow> {
  return connection<PriorCommandRow[]>`
    select id, status, fingerprint, payload
      from commands
     where ${requesterId === null ? connection`requester_id is null` : connection`requester_id = ${requesterId}`}
       and idempotency_key = ${key}`;
}

function replay(prior: PriorCommandRow, fingerprint: string | null): Receipt {
  if (prior.fingerprint !== fingerprint) throw new IdempotencyConflictError(prior.id);
  return { commandId: prior.id, status: prior.status as CommandStatus, profileId: profileOf(prior.payload) };
}

/** Walks an error's causes (drizzle wraps the driver's) for a Postgres unique violation on `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (
    let e = error;
    e instanceof Error || (e && typeof e === 'object');
    e = (e as { cause?: unknown }).cause
  ) {
    const pg = e as { code?: unknown; constraint_name?: unknown };
    if (pg.code === '23505' && pg.constraint_name === constraint) return true;
    if (!(e as { cause?: unknown }).cause) break;
  }
  return false;
}

type IdempotentArgs = { idempotencyKey?: string | null | undefined };

/**
 * The idempotency identity of a write's input: the key split off, the fingerprint over the rest, so
 * a replay with the same key and other input is told apart.
 */
export function writeIdentity<A extends IdempotentArgs>(
  services: Services,
  caller: Caller,
  operation: string,
  args: A,
  requesterId: string | null,
): { input: Omit<A, 'idempotencyKey'>; identity: WriteIdentity } {
  const { idempotencyKey, ...input } = args;
  const key = parseIdempotencyKey(idempotencyKey);
  return {
    input,
    identity: {
      requesterId,
      idempotencyKey: key,
      fingerprint: key === undefined ? null : services.hmacs.fingerprint(operation, input),
      correlationId: caller.correlationId,
    },
  };
}

/**
 * The start of every signed-in write: the caller (UNAUTHENTICATED without one), its write limit,
 * and its input's identity.
 */
export function beginUserWrite<A extends IdempotentArgs>(
  services: Services,
  caller: Caller,
  operation: string,
  args: A,
): { viewer: Viewer; input: Omit<A, 'idempotencyKey'>; identity: WriteIdentity } {
  const viewer = requireViewer(caller);
  services.limits.write(viewer.profileId);
  return { viewer, ...writeIdentity(services, caller, operation, args, viewer.profileId) };
}

/**
 * The idempotency rule: a key seen before from the same caller answers the first command's receipt
 * (same fingerprint) or IDEMPOTENCY_CONFLICT (another), whatever else the input would meet. The key
 * is looked up in the write's own transaction, under the aggregate's lock (`insertCommand`): no round
 * trip of its own for a first write. A write that fails before it gets there (a check its first
 * attempt made false, like a registration's e-mail now taken), or at the unique index (two racing with
 * one key), looks the key up after the failure; a command found there is the answer.
 */
export async function withIdempotency(
  services: Services,
  identity: WriteIdentity,
  accept: () => Promise<Receipt>,
): Promise<Receipt> {
  const key = identity.idempotencyKey;
  if (key === undefined) return accept();
  try {
    return await accept();
  } catch (error) {
    if (error instanceof IdempotencyConflictError) throw error;
    // a failed look-up (the database gone) must not hide why the write failed
    const [winner] = await priorCommand(services.database.sql, identity.requesterId, key).catch(() => []);
    if (!winner) throw error;
    return replay(winner, identity.fingerprint);
  }
}

export interface CommandSpec<T extends CommandType, Row extends SqlRow = SqlRow> {
  type: T;
  /** The ordering key; its advisory lock is held while the payload is built and the row inserted. */
  aggregateId: string;
  /**
   * What the payload needs of state the lock protects: read under the lock, sent with BEGIN and the
   * lock; with `optimistic`, read before the lock and checked under it.
   */
  read?: (connection: Sql) => PendingQuery<Row>;
  /**
   * With a read: the write reads without the lock (`read`, where the reads of several writes may
   * share a query) and goes with the group commit, which checks under the lock that the profile's
   * names and country the payload was built on (`builtOn`) still hold; if they changed meanwhile,
   * the write reads again.
   */
  optimistic?: {
    read: () => Promise<readonly Row[]>;
    builtOn: (rows: readonly Row[]) => ProfileNames;
  };
  /** Builds the payload from the rows `read` found (none without a read). */
  build: (rows: readonly Row[]) => CommandPayload<T>;
  /** Off-chain rows written in the same transaction (register: the credentials), sent with the command row. */
  alsoWrite?: (connection: Sql, commandId: string) => PendingQuery;
}

// The payload goes as text cast to jsonb: drizzle makes the shared client pass json parameters through
// unencoded (an object would not survive), and a string taken for json would be encoded twice. The uuid
// array goes as one string: postgres.js types an array parameter from type data that a fresh connection
// may not have loaded yet.
function commandInsert(connection: Sql, row: CommandRow): PendingQuery {
  return connection`
    insert into commands (id, type, aggregate_id, touches, payload, requester_id, idempotency_key,
                          fingerprint, correlation_id)
    values (${row.id}, ${row.type}, ${row.aggregateId}, string_to_array(${row.touches.join(',')}, ',')::uuid[],
            ${JSON.stringify(row.payload)}::text::jsonb, ${row.requesterId}, ${row.idempotencyKey},
            ${row.fingerprint}, ${row.correlationId})`;
}

/**
 * Accepts a command: under its aggregate's advisory lock, in one transaction, the command row (and any
 * off-chain data); once committed, a coalesced wake-up for the submitter. Answers the receipt at once,
 * or the first command's when the idempotency key was used before (see `withIdempotency`).
 *
 * A command that writes nothing else goes with the next group commit (`CommandBatches`), its read, if
 * any, checked there (`optimistic`). The others (register; an update whose profile changed after
 * each of its reads) take a reserved connection, where statements go out together and PostgreSQL runs
 * them in the order sent, so the key's look-up and any read happen under the lock and `seq` is drawn
 * under it. Without a read the whole transaction is one round trip: BEGIN, the lock, the key's
 * look-up, the command row, the off-chain rows and COMMIT; a key used before makes the row meet the
 * key's unique index, COMMIT then rolls back, and the look-up holds the first command. With a read
 * it is two: BEGIN, the lock, the look-up and the read; then the rows and COMMIT.
 */
export async function insertCommand<T extends CommandType, Row extends SqlRow = SqlRow>(
  services: Services,
  identity: WriteIdentity,
  spec: CommandSpec<T, Row>,
): Promise<Receipt> {
  const id = randomUUID();
  if (!spec.alsoWrite && (!spec.read || spec.optimistic)) {
    const receipt = await insertInBatch(services, identity, spec, id);
    if (receipt) return receipt;
  }
  const key = identity.idempotencyKey;
  // Without a read the payload is known before the connection is taken.
  let built = spec.read ? undefined : buildPayload(spec, []);
  const connection = await services.database.sql.reserve();
  try {
    const opening = () =>
      [
        connection`begin`,
        aggregateLockStatement(connection, spec.aggregateId),
        key === undefined ? undefined : priorCommand(connection, identity.requesterId, key),
      ] as const;
    const closing = (built: BuiltPayload<T>) => [
      commandInsert(connection, commandRow(id, spec.type, built, identity)),
      ...(spec.alsoWrite ? [spec.alsoWrite(connection, id)] : []),
      connection`commit`,
    ];
    if (built) {
      const results = await Promise.allSettled([...opening(), ...closing(built)]);
      const [, , looked] = results;
      const prior = looked.status === 'fulfilled' ? looked.value?.[0] : undefined;
      if (prior) return replay(prior, identity.fingerprint);
      throwFirstFailure(results);
    } else {
      try {
        const [, , prior, rows] = await sendTogether([...opening(), spec.read!(connection)]);
        if (prior?.[0]) {
          await connection`rollback`;
          return replay(prior[0], identity.fingerprint);
        }
        built = buildPayload(spec, rows);
      } catch (error) {
        await connection`rollback`.catch(() => {});
        throw error;
      }
      await sendTogether(closing(built));
    }
  } finally {
    connection.release();
  }
  return accepted(services, id, spec.type, identity, built.payload);
}

function commandRow<T extends CommandType>(
  id: string,
  type: T,
  built: BuiltPayload<T>,
  identity: WriteIdentity,
): CommandRow {
  return {
    id,
    type,
    ...built.keys,
    payload: built.payload,
    requesterId: identity.requesterId,
    idempotencyKey: identity.idempotencyKey ?? null,
    fingerprint: identity.fingerprint,
    correlationId: identity.correlationId,
  };
}

/** The receipt of a command just committed, after waking the submitter. */
function accepted(
  services: Services,
  id: string,
  type: CommandType,
  identity: WriteIdentity,
  payload: CommandPayload,
): Receipt {
  services.outbox.poke();
  services.logger.debug({ commandId: id, type, correlationId: identity.correlationId }, 'command accepted');
  return { commandId: id, status: 'ACCEPTED', profileId: profileOf(payload) };
}

/** Reads that find what a group-committed write was built on changed, before it takes the lock. */
const optimisticReads = 3;

/**
 * A write through the group commit: the payload built (on what `read` finds without the lock, if
 * anything), then the row with the next batch. A row skipped for its idempotency key answers the
 * first command's receipt; one skipped because its profile changed after the read is built again.
 * Undefined when it changed every time: the caller then takes the lock before it reads.
 */
async function insertInBatch<T extends CommandType, Row extends SqlRow>(
  services: Services,
  identity: WriteIdentity,
  spec: CommandSpec<T, Row>,
  id: string,
): Promise<Receipt | undefined> {
  const key = identity.idempotencyKey;
  for (let read = 0; read < optimisticReads; read++) {
    const rows = spec.optimistic ? await spec.optimistic.read() : [];
    const built = buildPayload(spec, rows);
    const row = {
      ...commandRow(id, spec.type, built, identity),
      profileBuiltOn: spec.optimistic?.builtOn(rows),
    };
    if (await services.commandBatches.insert(row)) {
      return accepted(services, id, spec.type, identity, built.payload);
    }
    const [prior] =
      key === undefined ? [] : await priorCommand(services.database.sql, identity.requesterId, key);
    if (prior) return replay(prior, identity.fingerprint);
    if (!spec.optimistic) {
      throw new Error('a command row was skipped for its idempotency key, but no command holds the key');
    }
  }
  return undefined;
}

interface BuiltPayload<T extends CommandType> {
  payload: CommandPayload<T>;
  keys: ReturnType<typeof commandKeys>;
}

/** The spec's payload, validated, and its keys, for the aggregate whose lock the write holds. */
function buildPayload<T extends CommandType, Row extends SqlRow>(
  spec: CommandSpec<T, Row>,
  rows: readonly Row[],
): BuiltPayload<T> {
  const payload = commandPayloads[spec.type].parse(spec.build(rows)) as CommandPayload<T>;
  const keys = commandKeys(spec.type, payload);
  if (keys.aggregateId !== spec.aggregateId) {
    throw new Error(
      `${spec.type}: locks ${spec.aggregateId} but the payload's aggregate is ${keys.aggregateId}`,
    );
  }
  return { payload, keys };
}

/** Whether `caller` may see a command: its requester or an admin; a registration, whoever holds its id. */
export function authorizeCommand(caller: Caller, command: Pick<CommandView, 'type' | 'requesterId'>): void {
  if (command.type === 'REGISTER' && command.requesterId === null) return;
  const viewer = requireViewer(caller);
  if (viewer.role !== 'ADMIN' && command.requesterId !== viewer.profileId) {
    throw new ForbiddenError("not allowed to see another user's command");
  }
}

/** `command(id)`: null for an unknown id. */
export async function getCommand(
  services: Services,
  caller: Caller,
  id: string,
): Promise<CommandView | null> {
  parseId(id, 'id');
  const [command] = await readCommands(services.database.db, [id]);
  if (!command) return null;
  authorizeCommand(caller, command);
  return command;
}

/** `commands(status, first, after)`: the caller's own, newest first; an admin's: everyone's. */
export async function listCommands(
  services: Services,
  caller: Caller,
  filter: { status?: CommandStatus | null | undefined } & PageRequest,
): Promise<Page<CommandView>> {
  const viewer = requireViewer(caller);
  const after = filter.after ? decodeCursor(filter.after, 'after', 'command') : undefined;
  if (after !== undefined && !/^\d+$/.test(after)) {
    throw new BadUserInputError('after', 'is not a cursor from this list');
  }
  const rows = await commandPage(services.database.db, {
    requesterId: isAdmin(caller) ? null : viewer.profileId,
    status: filter.status ?? null,
    beforeSeq: after === undefined ? null : BigInt(after),
    limit: filter.first + 1,
  });
  const nodes = rows.slice(0, filter.first);
  return {
    edges: nodes.map((row) => ({ cursor: encodeCursor('command', row.seq.toString()), node: toView(row) })),
    hasNextPage: rows.length > filter.first,
  };
}

/** Commands newest first: one requester's (or, with null, everyone's), of one status or any. */
export function commandPage(
  db: Db,
  page: { requesterId: string | null; status: CommandStatus | null; beforeSeq: bigint | null; limit: number },
) {
  const conditions: SQL[] = [];
  if (page.requesterId !== null) conditions.push(eq(commands.requesterId, page.requesterId));
  // Spelled out, so that the statement's plan, generic or not, finds the status by the partial
  // index that holds it (`commands_troubled_idx`, or those of the commands in flight or committed).
  if (page.status !== null) conditions.push(oneOf(commands.status, [page.status]));
  if (page.beforeSeq !== null) conditions.push(lt(commands.seq, page.beforeSeq));
  return db
    .select(viewColumns)
    .from(commands)
    .where(and(...conditions))
    .orderBy(desc(commands.seq))
    .limit(page.limit);
}

/** `retryCommand(id)`, admin: a DEAD command starts a new lifecycle as ACCEPTED. */
export async function retryCommand(services: Services, caller: Caller, id: string): Promise<Receipt> {
  parseId(id, 'id');
  const db = services.database.db;
  const [row] = await db
    .update(commands)
    .set({
      status: 'ACCEPTED',
      attempts: 0,
      nextAttemptAt: sql`now()`,
      lockedBy: null,
      lockedAt: null,
      errorCode: null,
      errorMessage: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(commands.id, id), inArray(commands.status, [...allowedFrom('admin', 'ACCEPTED')])))
    .returning({ id: commands.id, status: commands.status, profileId: receiptProfileId });
  if (!row) {
    const [existing] = await readCommands(db, [id]);
    if (!existing) throw new NotFoundError('command');
    throw new BadUserInputError('id', `only a DEAD command can be retried (this one is ${existing.status})`);
  }
  services.outbox.poke();
  services.logger.info({ commandId: id, by: caller.viewer?.profileId }, 'command redriven');
  return { commandId: row.id, status: row.status as CommandStatus, profileId: row.profileId };
}
