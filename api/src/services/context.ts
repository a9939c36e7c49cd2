import type { Database } from '@gx/db';
import type { Logger } from '@gx/runtime';
import type { PasswordHasher } from '../auth/passwords.js';
import type { RefreshTokens } from '../auth/refreshTokens.js';
import type { AccessTokens, Viewer } from '../auth/tokens.js';
import { UnauthenticatedError } from '../errors.js';
import type { RateLimits } from '../http/rateLimits.js';
import type { ApiSettings } from '../settings.js';
import type { CommandBatches } from './commandBatches.js';
import type { Hmacs } from './hmac.js';
import type { Lookups } from './lookups.js';
import type { OutboxNotifier } from './outboxNotifier.js';
import type { PendingProfileCache } from './pendingProfileCache.js';
import type { ProfileFactsCache } from './profileFacts.js';

/** What the services work with: one per api process. */
export interface Services {
  database: Database;
  settings: ApiSettings;
  hmacs: Hmacs;
  passwords: PasswordHasher;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  outbox: OutboxNotifier;
  /** Group commit for the writes that read nothing under their lock. */
  commandBatches: CommandBatches;
  profileFacts: ProfileFactsCache;
  /** What a partial `updateProfile` builds on before the group commit checks it. */
  pendingProfiles: PendingProfileCache;
  /** The read models by id, batched across operations. */
  lookups: Lookups;
  limits: RateLimits;
  logger: Logger;
}

/** Who asks, and from where: one per request (or per WebSocket operation). */
export interface Caller {
  viewer: Viewer | null;
  /** Why a presented token was refused, for the UNAUTHENTICATED message. */
  authError?: string | undefined;
  correlationId: string;
  ip: string;
}

export function requireViewer(caller: Caller): Viewer {
  if (!caller.viewer) throw new UnauthenticatedError(caller.authError);
  return caller.viewer;
}

export const isAdmin = (caller: Caller) => caller.viewer?.role === 'ADMIN';
