import type { IncomingMessage, ServerResponse } from 'node:http';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Logger } from '@gx/runtime';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { bearerToken, type Viewer } from '../auth/tokens.js';
import { UnauthenticatedError } from '../errors.js';
import { corsOptions } from '../http/cors.js';
import type { ApiMetrics } from '../http/metrics.js';
import { safeError } from '../safeError.js';
import type { Services } from '../services/context.js';
import type { CommandStatusHub } from '../subscriptions/commandStatusHub.js';
import type { GraphQLContext } from './context.js';
import { useErrorCodes } from './errors.js';
import { useIntrospectionGuard, useOperationMetrics, useWebSocketSubscriptionsOnly } from './plugins.js';
import { schema } from './schema.js';

/** What the WebSocket server knows of an operation's caller (set at `connection_init`). */
export interface WsCaller {
  viewer: Viewer | null;
  authError?: string | undefined;
  correlationId: string;
  ip: string;
  connectionId: string;
}

/** The server context: from the HTTP handler (`req`, `res`, request id, ip) or from graphql-ws (`ws`). */
export interface ServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
  requestId?: string;
  ip?: string;
  ws?: WsCaller;
}

export type ApiYoga = YogaServerInstance<ServerContext, GraphQLContext>;

/** Reads the caller from an `Authorization` value: a refused token leaves an anonymous caller with a reason. */
export async function authenticate(
  services: Services,
  authorization: string | null | undefined,
): Promise<{ viewer: Viewer | null; authError?: string }> {
  const token = bearerToken(authorization);
  if (token === undefined) return { viewer: null };
  if (token === null)
    return { viewer: null, authError: 'the Authorization header must be "Bearer <access token>"' };
  try {
    return { viewer: await services.accessTokens.verify(token) };
  } catch (error) {
    return {
      viewer: null,
      authError: error instanceof UnauthenticatedError ? error.message : 'invalid access token',
    };
  }
}

export interface YogaOptions {
  services: Services;
  hub: CommandStatusHub;
  metrics: ApiMetrics;
  logger: Logger;
}

export function createApiYoga({ services, hub, metrics, logger }: YogaOptions): ApiYoga {
  const { settings } = services;
  const env = settings.env;
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    multipart: false,
    batching: false,
    // checked on Content-Length in the HTTP handler, without a stream around every body
    maxRequestBodySize: false,
    cors: corsOptions(settings.corsOrigins),
    maskedErrors: { isDev: env.NODE_ENV === 'development' },
    logging: {
      debug: (...args: unknown[]) => logger.debug({ yoga: args }, 'yoga'),
      info: (...args: unknown[]) => logger.info({ yoga: args }, 'yoga'),
      warn: (...args: unknown[]) => logger.warn({ yoga: args }, 'yoga'),
      error: (error: unknown, ...rest: unknown[]) =>
        logger.error(
          { error: safeError(error), ...(rest.length ? { more: rest.map(safeError) } : {}) },
          'unexpected error',
        ),
    },
    context: async (initial): Promise<GraphQLContext> => {
      const base = { services, hub };
      if (initial.ws) {
        const { viewer, authError, correlationId, ip, connectionId } = initial.ws;
        return {
          ...base,
          viewer,
          authError,
          correlationId,
          ip,
          subscriber: viewer?.profileId ?? `conn:${connectionId}`,
          transport: 'ws',
        };
      }
      const auth = await authenticate(services, initial.request.headers.get('authorization'));
      const ip = initial.ip ?? 'unknown';
      return {
        ...base,
        ...auth,
        correlationId: initial.requestId ?? 'unknown',
        ip,
        subscriber: auth.viewer?.profileId ?? `ip:${ip}`,
        transport: 'http',
      };
    },
    plugins: [
      maxTokensPlugin({ n: env.GRAPHQL_MAX_TOKENS }),
      maxDepthPlugin({ n: env.GRAPHQL_MAX_DEPTH }),
      costLimitPlugin({ maxCost: env.GRAPHQL_MAX_COST }),
      maxAliasesPlugin({ n: env.GRAPHQL_MAX_ALIASES }),
      useIntrospectionGuard((context) => !settings.production || context.viewer?.role === 'ADMIN'),
      useWebSocketSubscriptionsOnly(),
      useOperationMetrics(metrics),
      useErrorCodes(),
    ],
  });
}
