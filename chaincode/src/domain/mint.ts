import { requireOperator } from './caller.js';
import type { CommandRule } from './decision.js';
import { requireWallet } from './lookups.js';
import { walletWrite } from './records.js';

/** MINT: the operator credits an existing wallet; no KYC approval is needed. */
export const mint: CommandRule<'MINT'> = async (state, { commandId, type, args }, caller) => {
  requireOperator(caller, type);
  const wallet = await requireWallet(state, args.toWalletId);
  const toBalance = (BigInt(wallet.balance) + BigInt(args.amount)).toString();
  return {
    event: {
      name: 'TransferCompleted',
      payload: {
        commandId,
        fromWalletId: null,
        toWalletId: args.toWalletId,
        amount: args.amount,
        fromBalance: null,
        toBalance,
      },
    },
    writes: [walletWrite({ ...wallet, balance: toBalance })],
  };
};
