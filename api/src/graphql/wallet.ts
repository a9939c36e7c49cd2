import type { WalletView } from '../services/lookups.js';
import { getOwnWallet, mint, transfer } from '../services/wallets.js';
import { builder } from './builder.js';
import { CommandReceipt } from './command.js';

export const Wallet = builder.objectRef<WalletView>('Wallet').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    balance: t.exposeString('balance', {
      description: 'An integer in the smallest unit, as a decimal string.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const MintInput = builder.inputType('MintInput', {
  fields: (t) => ({
    toProfileId: t.id({ required: true }),
    amount: t.string({ required: true }),
    idempotencyKey: t.string(),
  }),
});

const TransferInput = builder.inputType('TransferInput', {
  fields: (t) => ({
    toProfileId: t.id({ required: true }),
    amount: t.string({ required: true }),
    memo: t.string(),
    idempotencyKey: t.string(),
  }),
});

builder.queryField('wallet', (t) =>
  t.field({
    type: Wallet,
    nullable: true,
    description: "The caller's wallet.",
    authScopes: { authenticated: true },
    resolve: (_root, _args, context) => getOwnWallet(context.services, context),
  }),
);

builder.mutationFields((t) => ({
  mint: t.field({
    type: CommandReceipt,
    description: 'Admin.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: MintInput, required: true }) },
    resolve: (_root, { input }, context) => mint(context.services, context, input),
  }),
  transfer: t.field({
    type: CommandReceipt,
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: TransferInput, required: true }) },
    resolve: (_root, { input }, context) => transfer(context.services, context, input),
  }),
}));
