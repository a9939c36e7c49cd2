import type { CommandRule } from './decision.js';
import { requireWallet } from './lookups.js';
import { walletWrite } from './records.js';
import { reject } from './rejection.js';

/** TRANSFER: between two existing, different wallets, never below zero; no KYC approval is needed. */
export const transfer: CommandRule<'TRANSFER'> = async (state, { commandId, args }) => {
  if (args.fromWalletId === args.toWalletId) reject('cannot transfer to the same wallet');
  const from = await requireWallet(state, args.fromWalletId);
  const to = await requireWallet(state, args.toWalletId);
  const amount = BigInt(args.amount);
  const fromBalance = BigInt(from.balance);
  if (fromBalance < amount) {
    reject(`insufficient funds: wallet ${from.walletId} has ${from.balance}, needs ${args.amount}`);
  }
  const newFromBalance = (fromBalance - amount).toString();
  const newToBalance = (BigInt(to.balance) + amount).toString();
  return {
    event: {
      name: 'TransferCompleted',
      payload: {
        commandId,
        fromWalletId: from.walletId,
        toWalletId: to.walletId,
        amount: args.amount,
        fromBalance: newFromBalance,
        toBalance: newToBalance,
      },
    },
    writes: [
      walletWrite({ ...from, balance: newFromBalance }),
      walletWrite({ ...to, balance: newToBalance }),
    ],
  };
};
