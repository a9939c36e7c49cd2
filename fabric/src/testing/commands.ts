import { randomUUID } from 'node:crypto';
import type { BatchCommand } from '@gx/schema';

/** Valid ledger commands for tests, with fresh ids. */
export const hash = (digit: string) => digit.repeat(64);

export function registration(
  profileId = randomUUID(),
  walletId = randomUUID(),
): BatchCommand & { type: 'REGISTER' } {
  return {
    commandId: randomUUID(),
    type: 'REGISTER',
    args: { profileId, walletId, country: 'DE', accountType: 'INDIVIDUAL', profileHash: hash('a') },
  };
}

export const minting = (toWalletId: string, amount: string): BatchCommand => ({
  commandId: randomUUID(),
  type: 'MINT',
  args: { toWalletId, amount },
});

export const transferring = (fromWalletId: string, toWalletId: string, amount: string): BatchCommand => ({
  commandId: randomUUID(),
  type: 'TRANSFER',
  args: { fromWalletId, toWalletId, amount },
});
