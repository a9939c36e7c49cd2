import { transactions } from '@gx/db';
import type { TransferDirection } from '@gx/schema';
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import { BadUserInputError, NotFoundError } from '../errors.js';
import { beginUserWrite, insertCommand, type Receipt, withIdempotency } from './commands.js';
import { type Caller, requireViewer, type Services } from './context.js';
import { MintInput, parseInput, TransferInput } from './input.js';
import type { WalletView } from './lookups.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './pagination.js';

export interface TransactionView {
  id: string;
  commandId: string;
  fabricTxId: string;
  blockNumber: string;
  direction: TransferDirection;
  amount: string;
  counterpartyProfileId: string | null;
  memo: string | null;
  createdAt: Date;
}

/** `wallet`: the caller's. */
export async function getOwnWallet(services: Services, caller: Caller): Promise<WalletView | null> {
  return services.lookups.walletOfProfile.load(requireViewer(caller).profileId);
}

/** Microseconds since the epoch: a cursor position that keeps Postgres' full precision. */
const createdMicros = sql<string>`(extract(epoch from ${transactions.createdAt}) * 1000000)::bigint::text`;

/** `transactions(first, after)`: the caller's, newest first. */
export async function listTransactions(
  services: Services,
  caller: Caller,
  page: PageRequest,
): Promise<Page<TransactionView>> {
  const viewer = requireViewer(caller);
  const conditions: SQL[] = [eq(transactions.profileId, viewer.profileId)];
  if (page.after) {
    const match = /^(\d+)\/(\d+)$/.exec(decodeCursor(page.after, 'after', 'tx'));
    if (!match) throw new BadUserInputError('after', 'is not a cursor from this list');
    const at = sql`(timestamptz 'epoch' + ${match[1]}::bigint * interval '1 microsecond')`;
    conditions.push(sql`(${transactions.createdAt}, ${transactions.id}) < (${at}, ${match[2]}::bigint)`);
  }
  const rows = await services.database.db
    .select({
      id: transactions.id,
      commandId: transactions.commandId,
      fabricTxId: transactions.fabricTxId,
      blockNumber: transactions.blockNumber,
      direction: transactions.direction,
      amount: transactions.amount,
      counterpartyProfileId: transactions.counterpartyProfileId,
      memo: transactions.memo,
      createdAt: transactions.createdAt,
      micros: createdMicros,
    })
    .from(transactions)
    .where(and(...conditions))
    .orderBy(desc(transactions.createdAt), desc(transactions.id))
    .limit(page.first + 1);
  const nodes = rows.slice(0, page.first);
  return {
    edges: nodes.map(({ micros, ...row }) => ({
      cursor: encodeCursor('tx', `${micros}/${row.id}`),
      node: {
        ...row,
        id: row.id.toString(),
        blockNumber: row.blockNumber.toString(),
        direction: row.direction as TransferDirection,
      },
    })),
    hasNextPage: rows.length > page.first,
  };
}

export interface MintArgs {
  toProfileId: string;
  amount: string;
  idempotencyKey?: string | null | undefined;
}

/** `mint`, admin: into the recipient's wallet (aggregate: that wallet). */
export async function mint(services: Services, caller: Caller, args: MintArgs): Promise<Receipt> {
  const { input, identity } = beginUserWrite(services, caller, 'mint', args);
  return withIdempotency(services, identity, async () => {
    const valid = parseInput(MintInput, input);
    const toWalletId = (await services.profileFacts.of([valid.toProfileId])).get(valid.toProfileId)?.walletId;
    if (!toWalletId) throw new NotFoundError('profile');
    return insertCommand(services, identity, {
      type: 'MINT',
      aggregateId: toWalletId,
      build: () => ({ toProfileId: valid.toProfileId, toWalletId, amount: valid.amount }),
    });
  });
}

export interface TransferArgs {
  toProfileId: string;
  amount: string;
  memo?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
}

/**
 * `transfer`: from the caller's wallet (the aggregate) to the recipient's. The balance is the
 * chaincode's to check: a transfer beyond it is accepted here and ends REJECTED with its reason.
 */
export async function transfer(services: Services, caller: Caller, args: TransferArgs): Promise<Receipt> {
  const { viewer, input, identity } = beginUserWrite(services, caller, 'transfer', args);
  return withIdempotency(services, identity, async () => {
    const valid = parseInput(TransferInput, input);
    if (valid.toProfileId === viewer.profileId) {
      throw new BadUserInputError('input.toProfileId', 'cannot transfer to yourself');
    }
    const found = await services.profileFacts.of([viewer.profileId, valid.toProfileId]);
    const fromWalletId = found.get(viewer.profileId)?.walletId;
    const toWalletId = found.get(valid.toProfileId)?.walletId;
    if (!fromWalletId) throw new NotFoundError('your profile');
    if (!toWalletId) throw new NotFoundError('profile');
    return insertCommand(services, identity, {
      type: 'TRANSFER',
      aggregateId: fromWalletId,
      build: () => ({
        fromProfileId: viewer.profileId,
        fromWalletId,
        toProfileId: valid.toProfileId,
        toWalletId,
        amount: valid.amount,
        memo: valid.memo ? valid.memo : null,
      }),
    });
  });
}
