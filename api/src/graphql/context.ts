import type { Caller, Services } from '../services/context.js';
import type { CommandStatusHub } from '../subscriptions/commandStatusHub.js';
import type { Loaders } from './loaders.js';

/** The GraphQL context: the caller, the services, and this operation's DataLoaders. */
export interface GraphQLContext extends Caller {
  services: Services;
  loaders: Loaders;
  hub: CommandStatusHub;
  /** Whose subscriptions these are, for the per-user cap: a profile id, or `conn:…` without a token. */
  subscriber: string;
  transport: 'http' | 'ws';
}
