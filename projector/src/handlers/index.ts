import type { DomainEventName } from '@gx/schema';
import type { ReadModelTransaction } from '../model/readModelTransaction.js';
import { kycReviewed } from './kycReviewed.js';
import { kycSubmitted } from './kycSubmitted.js';
import { profileUpdated } from './profileUpdated.js';
import { transferCompleted } from './transferCompleted.js';
import type { Handler, Projected } from './types.js';
import { userCreated } from './userCreated.js';

export { addKeys } from './keys.js';
export type { CommandRecord, Handler, Projected } from './types.js';

/** Domain event name → its read-model handler: the one place events are wired to handlers. */
export const handlers: { [N in DomainEventName]: Handler<N> } = {
  UserCreated: userCreated,
  ProfileUpdated: profileUpdated,
  KycSubmitted: kycSubmitted,
  KycReviewed: kycReviewed,
  TransferCompleted: transferCompleted,
};

/** Applies one domain event through its handler. */
export function applyEvent(event: Projected<DomainEventName>, tx: ReadModelTransaction): Promise<void> {
  return (handlers[event.name] as Handler<DomainEventName>)(event, tx);
}
