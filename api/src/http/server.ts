import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@gx/runtime';
import type { ApiYoga } from '../graphql/yoga.js';
import { safeError } from '../safeError.js';
import type { ApiSettings } from '../settings.js';
import { GraphiQLPage } from './graphiql.js';
import { type HealthChecks, handleHealth } from './health.js';
import type { ApiMetrics } from './metrics.js';
import { clientIp, requestIdOf } from './request.js';
import { applySecurityHeaders } from './securityHeaders.js';

const routes = new Set(['/graphql', '/livez', '/readyz', '/health', '/metrics']);

export interface HttpHandlerOptions {
  yoga: ApiYoga;
  settings: ApiSettings;
  metrics: ApiMetrics;
  health: HealthChecks;
  logger: Logger;
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** A request refused before GraphQL, answered in GraphQL's error shape. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  sendJson(req, res, status, { errors: [{ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
}

/** A POST must be JSON: a browser cannot send that cross-site without a CORS preflight (CSRF prevention). */
const jsonContentType = /^application\/(json|graphql-response\+json)\s*(;|$)/i;

/**
 * The body limit, checked on the declared length: Node's parser never reads past it, so a body can
 * be no longer than it says. A body without one (chunked) is refused with 411. (Yoga's own limit
 * piped every body through a counting stream, a twentieth of the api's CPU per request.)
 */
function bodyRefusal(req: IncomingMessage, limit: number): { status: number; message: string } | undefined {
  const declared = req.headers['content-length'];
  if (declared === undefined) {
    return req.headers['transfer-encoding'] === undefined
      ? undefined
      : { status: 411, message: 'POST /graphql needs a Content-Length' };
  }
  if (!/^\d+$/.test(declared)) return { status: 400, message: 'Content-Length is invalid' };
  if (Number(declared) > limit) return { status: 413, message: `request body larger than ${limit} bytes` };
  return undefined;
}

/**
 * The api's one HTTP handler: security headers and a request id on every response, the health and
 * metrics routes, GraphiQL for browsers, and Yoga for GraphQL over HTTP. Every request is counted in
 * `http_requests_total` and timed in `http_request_duration_seconds`.
 */
export function createHttpHandler({ yoga, settings, metrics, health, logger }: HttpHandlerOptions) {
  const graphiql = settings.graphiql ? new GraphiQLPage() : undefined;
  const trustProxy = settings.env.TRUST_PROXY ?? false;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const start = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes.has(path) ? path : 'unmatched';
    const method = req.method ?? 'GET';
    const requestId = requestIdOf(req.headers['x-request-id']) ?? randomUUID();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.observeHttp(method, route, res.statusCode, seconds);
      logger.debug(
        { requestId, method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      );
    });
    res.setHeader('X-Request-Id', requestId);
    applySecurityHeaders(res);
    try {
      if (path === '/graphql') {
        if (graphiql && GraphiQLPage.wanted(req)) return await graphiql.serve(req, res);
        if (method === 'POST' && !jsonContentType.test(req.headers['content-type'] ?? '')) {
          return refuse(req, res, 415, 'POST /graphql takes Content-Type: application/json');
        }
        const tooLarge = method === 'POST' ? bodyRefusal(req, settings.env.API_BODY_LIMIT_BYTES) : undefined;
        if (tooLarge) return refuse(req, res, tooLarge.status, tooLarge.message);
        await yoga(req, res, { requestId, ip: clientIp(req, trustProxy) });
        return;
      }
      if (route === 'unmatched') return sendJson(req, res, 404, { error: 'not found' });
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendJson(req, res, 405, { error: 'method not allowed' });
      }
      if (path === '/metrics') {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
        res.end(method === 'HEAD' ? undefined : text);
        return;
      }
      const { status, body } = await handleHealth(path, health);
      return sendJson(req, res, status, body);
    } catch (error) {
      logger.error({ error: safeError(error), requestId, path }, 'request failed');
      if (!res.headersSent) sendJson(req, res, 500, { error: 'internal error' });
      else res.destroy();
    }
  };
}
