import { listTransactions, type TransactionView } from '../services/wallets.js';
import { builder } from './builder.js';
import { connectionOf, pageRequest } from './connection.js';
import { TransferDirection } from './scalars.js';

export const Transaction = builder.objectRef<TransactionView>('Transaction').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    commandId: t.exposeID('commandId'),
    fabricTxId: t.exposeString('fabricTxId'),
    blockNumber: t.exposeString('blockNumber'),
    direction: t.field({ type: TransferDirection, resolve: (tx) => tx.direction }),
    amount: t.exposeString('amount'),
    counterpartyProfileId: t.exposeID('counterpartyProfileId', { nullable: true }),
    memo: t.exposeString('memo', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const TransactionConnection = connectionOf('Transaction', Transaction);

builder.queryField('transactions', (t) =>
  t.field({
    type: TransactionConnection,
    description: "The caller's, newest first.",
    authScopes: { authenticated: true },
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, context) => listTransactions(context.services, context, pageRequest(args)),
  }),
);
