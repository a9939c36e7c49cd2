import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const renderer = vi.hoisted(() => ({ loads: 0, renders: 0 }));

vi.mock('@graphql-yoga/render-graphiql', async (importActual) => {
  renderer.loads++;
  const actual = await importActual<typeof import('@graphql-yoga/render-graphiql')>();
  return {
    ...actual,
    renderGraphiQL: (...args: Parameters<typeof actual.renderGraphiQL>) => {
      renderer.renders++;
      return actual.renderGraphiQL(...args);
    },
  };
});

const { GraphiQLPage } = await import('./graphiql.js');

let server: Server;
let url: string;
const page = new GraphiQLPage();

beforeAll(async () => {
  server = createServer((req, res) => void page.serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A response's body as the server sent it (fetch would decompress it). */
function bodyAsSent(
  headers: Record<string, string>,
): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('GraphiQLPage', () => {
  it('does not load the renderer until the page is asked for', () => {
    expect(renderer.loads).toBe(0);
  });

  it('renders once, then serves the same page, gzipped when asked, and 304 for its ETag', async () => {
    const [plain, zipped] = await Promise.all([
      fetch(url, { headers: { accept: 'text/html', 'accept-encoding': 'identity' } }),
      fetch(url, { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } }),
    ]);
    expect(plain.status).toBe(200);
    const html = await plain.text();
    expect(html).toContain('GX Gateway');
    expect(renderer).toEqual({ loads: 1, renders: 1 });

    const raw = await bodyAsSent({ accept: 'text/html', 'accept-encoding': 'gzip' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(raw.body).toString('utf8')).toBe(html);
    expect(zipped.headers.get('etag')).toBe(plain.headers.get('etag'));

    const again = await fetch(url, {
      headers: { accept: 'text/html', 'if-none-match': plain.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(renderer).toEqual({ loads: 1, renders: 1 });
  });
});
