import { createHmac } from 'node:crypto';

/** JSON with object keys sorted at every level and undefined members left out: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ProfileFields {
  email: string;
  firstName: string;
  lastName: string;
  country: string;
  accountType: string;
}

/**
 * The server-keyed HMACs (key `GX_HMAC_KEY`): they anchor off-chain text on the ledger without revealing
 * it, and tell a replayed mutation from a conflicting one without storing its input. Each use has its
 * own label, so a value of one kind can never pass for another.
 */
export class Hmacs {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
  }

  #hex(label: string, text: string): string {
    return createHmac('sha256', this.#key).update(`gx:${label}:v1\n`).update(text).digest('hex');
  }

  /** `profileHash`: of the canonical JSON of e-mail, names, country and account type. */
  profileHash(fields: ProfileFields): string {
    const { email, firstName, lastName, country, accountType } = fields;
    return this.#hex('profile', canonicalJson({ email, firstName, lastName, country, accountType }));
  }

  /** `reasonHash`: of a KYC review's reason text. */
  reasonHash(reason: string): string {
    return this.#hex('reason', reason);
  }

  /** The idempotency fingerprint of a mutation's input (the password included, never stored). */
  fingerprint(mutation: string, input: unknown): string {
    return this.#hex('fingerprint', canonicalJson({ mutation, input }));
  }
}
