import { randomUUID } from 'node:crypto';
import { Role } from '@gx/schema';
import { errors, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors.js';
import type { JwtKeys } from '../settings.js';

/** Who is calling, as an access token says. */
export interface Viewer {
  profileId: string;
  role: Role;
  /** The token's expiry, seconds since the epoch. */
  expiresAt: number;
}

export interface AccessTokenOptions {
  keys: JwtKeys;
  issuer: string;
  audience: string;
  /** Lifetime in seconds. */
  ttlSeconds: number;
}

/** Verified tokens kept: tens of thousands of active clients' tokens fit in a few MB. */
const verifiedCacheSize = 20_000;

/**
 * Access tokens: JWTs signed with jose. Verification pins the algorithm, the issuer and the audience,
 * so `alg: none`, another key, another audience and an expired token are all UNAUTHENTICATED.
 */
export class AccessTokens {
  readonly #options: Readonly<AccessTokenOptions>;
  /** Tokens that passed verification and whom they name, oldest first (Map order), bounded. */
  readonly #verified = new Map<string, Viewer>();

  constructor(options: Readonly<AccessTokenOptions>) {
    this.#options = options;
  }

  async sign(profileId: string, role: Role): Promise<{ token: string; expiresAt: Date }> {
    const { keys, issuer, audience, ttlSeconds } = this.#options;
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const token = await new SignJWT({ role })
      .setProtectedHeader({ alg: keys.algorithm, typ: 'JWT' })
      .setSubject(profileId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(keys.signingKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * The caller a token names. A token is checked once (signature, algorithm, issuer, audience, claims)
   * and then only for its expiry, until it leaves the cache: a signature check costs more than the
   * rest of a typical request, and a client sends the same token with every request.
   */
  async verify(token: string): Promise<Viewer> {
    const known = this.#verified.get(token);
    if (known) {
      if (known.expiresAt > Math.floor(Date.now() / 1000)) return known;
      this.#verified.delete(token);
      throw new UnauthenticatedError('the access token has expired');
    }
    const viewer = await this.#check(token);
    this.#verified.set(token, viewer);
    if (this.#verified.size > verifiedCacheSize) {
      this.#verified.delete(this.#verified.keys().next().value!);
    }
    return viewer;
  }

  async #check(token: string): Promise<Viewer> {
    const { keys, issuer, audience } = this.#options;
    try {
      const { payload } = await jwtVerify(token, keys.verificationKey, {
        algorithms: [keys.algorithm],
        issuer,
        audience,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const role = Role.safeParse(payload.role);
      if (!role.success || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
        throw new UnauthenticatedError('invalid access token');
      }
      return Object.freeze({ profileId: payload.sub, role: role.data, expiresAt: payload.exp });
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('the access token has expired');
      throw new UnauthenticatedError('invalid access token');
    }
  }
}

/**
 * The token of an `Authorization: Bearer …` value: undefined when there is none, null when the
 * value is not a bearer token at all.
 */
export function bearerToken(header: string | null | undefined): string | null | undefined {
  if (header == null || header === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
