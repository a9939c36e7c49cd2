import type { Caller, Services } from '../services/context.js';
import type { CommandStatusHub } from '../subscriptions/commandStatusHub.js';

/** The GraphQL context: the caller and the services. */
export interface GraphQLContext extends Caller {
  services: Services;
  hub: CommandStatusHub;
  /** Whose subscriptions these are, for the per-user cap: a profile id, or `conn:…` without a token. */
  subscriber: string;
  transport: 'http' | 'ws';
}
