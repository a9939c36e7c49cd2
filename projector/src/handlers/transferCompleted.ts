import type { ReadModelTransaction } from '../model/readModelTransaction.js';
import { type Handler, personalField } from './types.js';

/**
 * Both balances set from the event (never computed), each only if the wallet has seen no later
 * block, and one transaction row per side: IN for the recipient, OUT for the sender; a mint has no
 * sender. The memo comes from the TRANSFER command row. Profiles come from the wallets, or from the
 * command row for a wallet the read model lacks.
 */
export const transferCompleted: Handler<'TransferCompleted'> = async (event, tx) => {
  const { commandId, fromWalletId, toWalletId, amount, fromBalance, toBalance } = event.payload;
  setBalance(tx, toWalletId, toBalance, event.blockNumber, event.at);
  if (fromWalletId && fromBalance !== null)
    setBalance(tx, fromWalletId, fromBalance, event.blockNumber, event.at);

  const toProfile = tx.wallet(toWalletId)?.profileId ?? personalField(event.command, 'toProfileId');
  const fromProfile = fromWalletId
    ? (tx.wallet(fromWalletId)?.profileId ?? personalField(event.command, 'fromProfileId'))
    : null;
  const side = {
    commandId,
    fabricTxId: event.transactionId,
    blockNumber: event.blockNumber,
    amount,
    memo: personalField(event.command, 'memo'),
    createdAt: event.at,
  };
  if (toProfile) {
    tx.recordTransaction({
      ...side,
      walletId: toWalletId,
      profileId: toProfile,
      direction: 'IN',
      counterpartyProfileId: fromProfile,
      counterpartyWalletId: fromWalletId,
    });
  }
  if (fromWalletId && fromProfile) {
    tx.recordTransaction({
      ...side,
      walletId: fromWalletId,
      profileId: fromProfile,
      direction: 'OUT',
      counterpartyProfileId: toProfile,
      counterpartyWalletId: toWalletId,
    });
  }
};

function setBalance(
  tx: ReadModelTransaction,
  walletId: string,
  balance: string,
  block: bigint,
  at: string,
): void {
  const wallet = tx.wallet(walletId);
  if (wallet && wallet.blockNumber <= block) {
    tx.saveWallet({ ...wallet, balance, blockNumber: block, updatedAt: at });
  }
}
