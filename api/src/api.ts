import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, createListener, type Database } from '@gx/db';
import { type Logger, serviceLogger } from '@gx/runtime';
import { PasswordHasher } from './auth/passwords.js';
import { RefreshTokens } from './auth/refreshTokens.js';
import { AccessTokens } from './auth/tokens.js';
import { type ApiEnv, parseApiConfig } from './config.js';
import { createApiYoga } from './graphql/yoga.js';
import { ApiMetrics } from './http/metrics.js';
import { RateLimits } from './http/rateLimits.js';
import { createHttpHandler } from './http/server.js';
import { safeError } from './safeError.js';
import { CommandBatches } from './services/commandBatches.js';
import { readCommands } from './services/commands.js';
import type { Services } from './services/context.js';
import { Hmacs } from './services/hmac.js';
import { createLookups } from './services/lookups.js';
import { OutboxNotifier } from './services/outboxNotifier.js';
import { PendingProfileCache } from './services/pendingProfileCache.js';
import { ProfileFactsCache } from './services/profileFacts.js';
import { readiness } from './services/readiness.js';
import { type ApiSettings, resolveSettings } from './settings.js';
import { CommandStatusHub } from './subscriptions/commandStatusHub.js';
import { attachWebSocketServer } from './subscriptions/websocket.js';

export interface StartApiOptions {
  /** The database; default: the environment's DATABASE_URL. */
  databaseUrl?: string;
  /** Variables to read the settings from, validated as at start (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Settings already validated (main). Takes precedence over `env`. */
  config?: ApiEnv;
  logger?: Logger;
}

export interface RunningApi {
  /** `http://host:port`; GraphQL at `${url}/graphql`, WebSocket at `ws://host:port/graphql`. */
  url: string;
  port: number;
  /** Closes sockets and subscriptions, stops listening, and closes the database pool. */
  stop(): Promise<void>;
}

/** The services of one api process, usable without GraphQL (tests call them directly). */
export function createServices(
  settings: ApiSettings,
  database: Database,
  logger: Logger,
  metrics?: ApiMetrics,
): Services {
  const env = settings.env;
  const lookups = createLookups(database, (lookup, ids) => metrics?.lookupBatchSize.observe({ lookup }, ids));
  return {
    database,
    settings,
    hmacs: new Hmacs(settings.hmacKey),
    passwords: new PasswordHasher({ cost: env.BCRYPT_COST, concurrency: env.PASSWORD_HASH_CONCURRENCY }),
    accessTokens: new AccessTokens({
      keys: settings.jwt,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      ttlSeconds: env.ACCESS_TOKEN_TTL,
    }),
    refreshTokens: new RefreshTokens(database.db, env.REFRESH_TOKEN_TTL),
    outbox: new OutboxNotifier(database.sql, env.OUTBOX_NOTIFY_COALESCE_MS, logger),
    commandBatches: new CommandBatches(database.sql, logger, {
      maxBatch: env.API_WRITE_BATCH_MAX,
      maxInFlight: env.API_WRITE_BATCHES_IN_FLIGHT,
      observe: (commands) => metrics?.commandBatchSize.observe(commands),
    }),
    profileFacts: new ProfileFactsCache(lookups.profile),
    pendingProfiles: new PendingProfileCache(),
    lookups,
    limits: new RateLimits({
      loginMaxFailuresPerEmail: env.LOGIN_MAX_FAILURES_PER_EMAIL,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW,
      loginMaxAttemptsPerIpPerMinute: env.LOGIN_MAX_ATTEMPTS_PER_IP,
      writesPerSecond: env.WRITE_RATE_PER_SECOND,
      writeBurst: env.WRITE_BURST,
    }),
    logger,
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the api in this process: GraphQL over HTTP and WebSocket on `/graphql`, GraphiQL, health and
 * metrics, on API_HOST:API_PORT (0 picks a free port). Tests and benchmarks start it against their own
 * database; `main.ts` is this plus configuration, the embedded database and signals.
 */
export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const env = options.config ?? parseApiConfig(options.env ?? process.env);
  const settings = resolveSettings(env);
  const logger = options.logger ?? serviceLogger('api', env);
  const databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  if (!databaseUrl) throw new Error('startApi: no database (pass databaseUrl or set DATABASE_URL)');

  const database = connect(databaseUrl, { max: env.API_DB_POOL_SIZE, applicationName: 'gx-api' });
  const listener = createListener(databaseUrl, { logger });
  const hub = new CommandStatusHub({
    listener,
    read: (ids, known) => readCommands(database.db, ids, known),
    logger,
    pollMs: env.SUBSCRIPTION_POLL_MS,
    maxSubscriptions: env.WS_MAX_SUBSCRIPTIONS,
    maxPerSubscriber: env.WS_MAX_SUBSCRIPTIONS_PER_USER,
  });
  const metrics = new ApiMetrics(() => hub.size);
  const services = createServices(settings, database, logger, metrics);
  const yoga = createApiYoga({ services, hub, metrics, logger });
  const server = createServer(
    createHttpHandler({
      yoga,
      settings,
      metrics,
      health: { readiness: () => readiness(database.sql, env.READY_MAX_LAG_SECONDS) },
      logger,
    }),
  );
  const ws = attachWebSocketServer({ server, yoga, services, metrics, logger });

  try {
    await listener.ready();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(env.API_PORT, env.API_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await ws.close().catch(() => {});
    await hub.stop();
    await listener.close().catch(() => {});
    services.limits.close();
    await database.close();
    throw error;
  }
  void services.passwords
    .warm()
    .catch((error: unknown) => logger.warn({ error: safeError(error) }, 'bcrypt warm-up failed'));

  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(env.API_HOST)}:${port}`;
  logger.info({ url: `${url}/graphql`, graphiql: settings.graphiql }, 'api listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    stop: () => {
      stopping ??= (async () => {
        await ws.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await hub.stop();
        await listener.close();
        await services.outbox.flush();
        services.limits.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
