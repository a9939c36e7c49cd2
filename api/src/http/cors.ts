import type { CORSOptions } from 'graphql-yoga';

/**
 * The CORS allow-list (`CORS_ORIGINS`): `*` for any origin, otherwise the listed origins; empty
 * (production's default) answers no cross-origin request. No credentials: the api takes no cookies.
 */
export function corsOptions(origins: readonly string[]): CORSOptions {
  if (origins.length === 0) return false;
  return {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  };
}

/** For WebSocket upgrades, which CORS does not cover: a browser's `Origin` must be allowed too. */
export function originAllowed(origins: readonly string[], origin: string | undefined): boolean {
  return origin === undefined || origins.includes('*') || origins.includes(origin);
}
