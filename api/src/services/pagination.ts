import { BadUserInputError } from '../errors.js';

/** Forward pagination, newest first: `first` (0–100, default 20) rows after the cursor `after`. */
export interface PageRequest {
  first: number;
  after?: string | null | undefined;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
}

/** Cursors are opaque to clients: base64url of `kind:position`. */
export function encodeCursor(kind: string, position: string): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64url');
}

/** The position in a cursor made by `encodeCursor(kind, …)`, or BAD_USER_INPUT naming `field`. */
export function decodeCursor(cursor: string, field: string, kind: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith(`${kind}:`)) throw new BadUserInputError(field, 'is not a cursor from this list');
  return text.slice(kind.length + 1);
}
