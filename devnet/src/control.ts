import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from './faults.js';

export interface ControlTarget {
  fault(): Required<Fault>;
  setFault(fault: Fault): void;
  status(): object;
}

const maxBody = 4096;

/**
 * A small HTTP endpoint on loopback through which another process (a fault test, a benchmark)
 * injects faults into a running devnet:
 * `GET /fault`, `PUT /fault` with `{"delayMs": 200}` or `{"unavailable": true}`, `DELETE /fault`,
 * and `GET /status` (endpoint, height, fault, and the process's CPU time and memory, for benchmarks).
 */
export async function startControlServer(
  target: ControlTarget,
  port: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    handle(target, request, response).catch((error: unknown) =>
      reply(response, 500, { error: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  target: ControlTarget,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const route = `${request.method} ${new URL(request.url ?? '/', 'http://control').pathname}`;
  switch (route) {
    case 'GET /fault':
      return reply(response, 200, target.fault());
    case 'PUT /fault':
    case 'POST /fault': {
      const body = await readBody(request);
      let fault: Fault;
      try {
        fault = parseFault(body);
      } catch (error) {
        return reply(response, 400, { error: (error as Error).message });
      }
      target.setFault(fault);
      return reply(response, 200, target.fault());
    }
    case 'DELETE /fault':
      target.setFault({});
      return reply(response, 200, target.fault());
    case 'GET /status':
      return reply(response, 200, target.status());
    default:
      return reply(response, 404, { error: `no route ${route}` });
  }
}

function parseFault(body: string): Fault {
  const value: unknown = body.trim() === '' ? {} : JSON.parse(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('expected a JSON object');
  const { delayMs, unavailable } = value as Record<string, unknown>;
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0)) {
    throw new Error('delayMs must be a non-negative number');
  }
  if (unavailable !== undefined && typeof unavailable !== 'boolean')
    throw new Error('unavailable must be a boolean');
  return {
    ...(delayMs !== undefined ? { delayMs } : {}),
    ...(unavailable !== undefined ? { unavailable } : {}),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > maxBody) throw new Error('request body too large');
  }
  return body;
}

function reply(response: ServerResponse, code: number, body: object): void {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body)}\n`);
}
