import type { DomainEvent } from '@gx/schema';
import type { ReadModelKeys } from '../model/readModelTransaction.js';

/** Adds the rows an event's handler reads or writes to `keys`, so they are loaded before the handlers run. */
export function addKeys(keys: ReadModelKeys, event: DomainEvent): void {
  switch (event.name) {
    case 'UserCreated':
      keys.profiles.add(event.payload.profileId);
      keys.wallets.add(event.payload.walletId);
      return;
    case 'ProfileUpdated':
    case 'KycSubmitted':
    case 'KycReviewed':
      keys.profiles.add(event.payload.profileId);
      return;
    case 'TransferCompleted':
      keys.wallets.add(event.payload.toWalletId);
      if (event.payload.fromWalletId) keys.wallets.add(event.payload.fromWalletId);
      return;
  }
}
