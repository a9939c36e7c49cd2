import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { applySecurityHeaders, graphiqlCsp } from './securityHeaders.js';

const defaultQuery = `# GX Gateway. Put "Authorization": "Bearer <access token>" in the Headers tab for your own data;
# a registration's command can be followed without one:
#
# subscription Follow($id: ID!) {
#   commandStatus(id: $id) { id type status errorMessage updatedAt }
# }

query Health {
  __typename
}
`;

interface Page {
  html: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * GraphiQL from local assets only (about 9 MB of HTML with everything inlined): rendered once,
 * gzipped once, and served with an ETag so browsers revalidate instead of downloading it again.
 * Subscriptions run over graphql-ws.
 *
 * The renderer is imported at the first request for the page: its bundle, held as JavaScript source
 * and as a string, costs a process about 45 MiB of memory, which an api without GraphiQL (production's
 * default) has no use for.
 */
export class GraphiQLPage {
  #page: Promise<Page> | undefined;

  async #render(): Promise<Page> {
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    const html = Buffer.from(
      renderGraphiQL({
        title: 'GX Gateway',
        endpoint: '/graphql',
        subscriptionsProtocol: 'WS',
        defaultQuery,
        shouldPersistHeaders: false,
      }),
      'utf8',
    );
    return {
      html,
      gzip: gzipSync(html, { level: 6 }),
      etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`,
    };
  }

  /** Whether a request is a browser navigating to the page (GET, HTML accepted; `?query=` prefills the editor). */
  static wanted(request: IncomingMessage): boolean {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    return (request.headers.accept ?? '').includes('text/html');
  }

  async serve(request: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#page ??= this.#render().catch((error: unknown) => {
      this.#page = undefined;
      throw error;
    });
    const page = await this.#page;
    applySecurityHeaders(res, graphiqlCsp);
    res.setHeader('ETag', page.etag);
    res.setHeader('Cache-Control', 'private, max-age=300, must-revalidate');
    res.setHeader('Vary', 'Accept-Encoding');
    if (request.headers['if-none-match'] === page.etag) {
      res.writeHead(304).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = gzip ? page.gzip : page.html;
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(request.method === 'HEAD' ? undefined : body);
  }
}
