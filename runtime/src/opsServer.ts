import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** Shown in the body of /readyz and /health, e.g. lag or leadership. */
  details?: Record<string, unknown>;
}

export interface OpsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  readiness: () => Promise<Readiness>;
  logger: Logger;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The operations endpoints of a worker: `/livez` (the process answers), `/readyz` and `/health`
 * (it can do its work, with details), `/metrics` (Prometheus text).
 */
export function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = http.createServer((request, response) => {
    const route = request.url?.split('?')[0];
    const send = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET') return send(405, JSON.stringify({ error: 'method not allowed' }));
    if (route === '/livez') return send(200, JSON.stringify({ status: 'ok' }));
    if (route === '/readyz' || route === '/health') {
      options.readiness().then(
        (r) =>
          send(
            r.ready ? 200 : 503,
            JSON.stringify({ status: r.ready ? 'ready' : 'not ready', ...r.details }),
          ),
        (error: unknown) => {
          options.logger.warn({ err: error }, 'readiness check failed');
          send(503, JSON.stringify({ status: 'not ready' }));
        },
      );
      return;
    }
    if (route === '/metrics') {
      options.registry.metrics().then(
        (text) => send(200, text, options.registry.contentType),
        (error: unknown) => {
          options.logger.error({ err: error }, 'metrics collection failed');
          send(500, JSON.stringify({ error: 'metrics unavailable' }));
        },
      );
      return;
    }
    send(404, JSON.stringify({ error: 'not found' }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
