import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@gx/runtime';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { isAsyncIterable } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Viewer } from '../auth/tokens.js';
import { ApiError } from '../errors.js';
import { toGraphQLError, withErrorCode, wsErrorJson } from '../graphql/errors.js';
import { type ApiYoga, authenticate, type ServerContext, type WsCaller } from '../graphql/yoga.js';
import { type ExecutionArgs, type ExecutionResult, GraphQLError, getOperationAST } from '../graphqlJs.js';
import { originAllowed } from '../http/cors.js';
import type { ApiMetrics } from '../http/metrics.js';
import { clientIp, requestIdOf } from '../http/request.js';
import type { Services } from '../services/context.js';
import { CoalescingWebSocket } from './coalescingWebSocket.js';

/** Close codes beyond graphql-ws's own. */
export const closeCodes = {
  /** The token in `connection_init` is invalid, or it expired during the connection. */
  unauthorized: 4401,
  /** Too many connections for this user. */
  tooManyConnections: 4429,
} as const;

interface Connection extends WsCaller {
  expiry?: NodeJS.Timeout;
  countedFor?: string;
}

export interface WebSocketOptions {
  server: Server;
  yoga: ApiYoga;
  services: Services;
  metrics: ApiMetrics;
  logger: Logger;
}

const maxTimer = 2 ** 31 - 1;

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * graphql-ws on `/graphql` of the api's HTTP server. Auth at `connection_init` from
 * `connectionParams.authorization` ("Bearer …"): an invalid token closes with 4401, and so does its
 * expiry later; no token gives an anonymous connection, which may follow registrations. Sockets are
 * pinged every 12 s; connections are capped per user and per process. Each operation runs through
 * Yoga's envelope (limits, masking, metrics); a subscription is started while subscribing, so a
 * refusal is a graphql-ws `error` message for that operation and the socket stays open.
 */
export function attachWebSocketServer({ server, yoga, services, metrics, logger }: WebSocketOptions) {
  const env = services.settings.env;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: env.API_BODY_LIMIT_BYTES,
    WebSocket: CoalescingWebSocket,
  });
  const connections = new WeakMap<WebSocket, Connection>();
  const perUser = new Map<string, number>();
  const started = new WeakMap<ExecutionArgs, AsyncIterable<ExecutionResult>>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/graphql') return refuseUpgrade(socket, '404 Not Found');
    if (!originAllowed(services.settings.corsOrigins, request.headers.origin)) {
      return refuseUpgrade(socket, '403 Forbidden');
    }
    if (wss.clients.size >= env.WS_MAX_CONNECTIONS) return refuseUpgrade(socket, '503 Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    metrics.wsConnections.inc();
    connections.set(socket, {
      viewer: null,
      correlationId: requestIdOf(request.headers['x-request-id']) ?? randomUUID(),
      ip: clientIp(request, env.TRUST_PROXY ?? false),
      connectionId: randomUUID(),
    });
    socket.once('close', () => {
      metrics.wsConnections.dec();
      const connection = connections.get(socket);
      if (connection?.expiry) clearTimeout(connection.expiry);
      if (connection?.countedFor) {
        const left = (perUser.get(connection.countedFor) ?? 1) - 1;
        if (left > 0) perUser.set(connection.countedFor, left);
        else perUser.delete(connection.countedFor);
      }
    });
  });

  const connectionOf = (ctx: WsContext<Record<string, unknown>, { socket: WebSocket }>) =>
    connections.get(ctx.extra.socket)!;

  const closeOnExpiry = (socket: WebSocket, connection: Connection, viewer: Viewer) => {
    const arm = () => {
      const left = viewer.expiresAt * 1000 - Date.now();
      connection.expiry = setTimeout(
        () =>
          left > maxTimer ? arm() : socket.close(closeCodes.unauthorized, 'Unauthorized: token expired'),
        Math.max(0, Math.min(left, maxTimer)),
      );
      connection.expiry.unref();
    };
    arm();
  };

  const server_ = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const connection = connectionOf(ctx);
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        if (authorization === undefined || authorization === null || authorization === '') return true;
        const auth =
          typeof authorization === 'string'
            ? await authenticate(services, authorization)
            : { viewer: null, authError: 'invalid authorization' };
        if (!auth.viewer) {
          logger.debug({ reason: auth.authError, ip: connection.ip }, 'WebSocket refused: 4401');
          socket.close(closeCodes.unauthorized, 'Unauthorized');
          return false;
        }
        const id = auth.viewer.profileId;
        const count = perUser.get(id) ?? 0;
        if (count >= env.WS_MAX_CONNECTIONS_PER_USER) {
          logger.debug({ profileId: id }, 'WebSocket refused: too many connections for this user');
          socket.close(closeCodes.tooManyConnections, 'Too many connections');
          return false;
        }
        perUser.set(id, count + 1);
        connection.countedFor = id;
        connection.viewer = auth.viewer;
        closeOnExpiry(socket, connection, auth.viewer);
        return true;
      },

      onSubscribe: async (ctx, _id, payload) => {
        const connection = connectionOf(ctx);
        let caller: WsCaller = connection;
        // GraphiQL sends its headers tab with each operation; an Authorization there counts for that operation.
        const headers = (payload.extensions as { headers?: Record<string, unknown> } | undefined)?.headers;
        const perOperation = headers?.authorization ?? headers?.Authorization;
        if (!connection.viewer && typeof perOperation === 'string' && perOperation) {
          const auth = await authenticate(services, perOperation);
          if (!auth.viewer)
            return [new ApiError('UNAUTHENTICATED', auth.authError ?? 'invalid access token')];
          caller = { ...connection, viewer: auth.viewer };
        }
        const enveloped = yoga.getEnveloped({ ws: caller, params: payload } as ServerContext & {
          params: typeof payload;
        });
        let document: ReturnType<typeof enveloped.parse>;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          return [withErrorCode(toGraphQLError(error))];
        }
        let errors: readonly GraphQLError[];
        try {
          errors = enveloped.validate(enveloped.schema, document);
        } catch (error) {
          errors = [toGraphQLError(error)];
        }
        if (errors.length > 0) return errors.map(withErrorCode);
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
          const result = (await enveloped.subscribe(args)) as
            | ExecutionResult
            | AsyncIterable<ExecutionResult>;
          if (!isAsyncIterable(result)) {
            return (result.errors?.length ? result.errors : [new GraphQLError('subscription refused')]).map(
              withErrorCode,
            );
          }
          started.set(args, result);
        }
        return args;
      },

      execute: (args) =>
        (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) =>
        (started.get(args) ??
          (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args)) as never,

      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        return { ...result, errors: result.errors.map((e) => wsErrorJson(toGraphQLError(e))) } as never;
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => wsErrorJson(e)) as never,
    },
    wss,
    env.WS_PING_MS,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async close(): Promise<void> {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'Going away');
      await server_.dispose();
    },
  };
}
