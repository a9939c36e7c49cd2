import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Db, refreshTokens } from '@gx/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { UnauthenticatedError } from '../errors.js';

type Executor = Pick<Db, 'insert'>;

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Refresh tokens: 256 random bits, stored as SHA-256 hashes. Each use rotates the token within its
 * family; presenting a token that was already rotated revokes the whole family (design, "Tokens").
 */
export class RefreshTokens {
  readonly #db: Db;
  readonly #ttlSeconds: number;

  constructor(db: Db, ttlSeconds: number) {
    this.#db = db;
    this.#ttlSeconds = ttlSeconds;
  }

  async issue(profileId: string, familyId: string = randomUUID(), executor: Executor = this.#db) {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.#ttlSeconds * 1000);
    await executor.insert(refreshTokens).values({
      id: randomUUID(),
      familyId,
      profileId,
      tokenHash: hashToken(token),
      expiresAt,
    });
    return { token, familyId, expiresAt } satisfies IssuedRefreshToken;
  }

  /** Trades a live token for a new one of its family; a reused token revokes the family and is refused. */
  async rotate(token: string): Promise<IssuedRefreshToken & { profileId: string }> {
    const outcome = await this.#db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashToken(token)))
        .for('update');
      if (!row || row.revokedAt) return { refused: 'invalid refresh token' } as const;
      if (row.rotatedAt) {
        await tx
          .update(refreshTokens)
          .set({ revokedAt: sql`now()` })
          .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
        return { refused: 'refresh token reused; its session is revoked' } as const;
      }
      if (row.expiresAt.getTime() <= Date.now()) return { refused: 'the refresh token has expired' } as const;
      await tx.update(refreshTokens).set({ rotatedAt: sql`now()` }).where(eq(refreshTokens.id, row.id));
      const next = await this.issue(row.profileId, row.familyId, tx);
      return { ...next, profileId: row.profileId };
    });
    if ('refused' in outcome) throw new UnauthenticatedError(outcome.refused);
    return outcome;
  }

  /** Revokes the family of a token (logout); false when the token is unknown. */
  async revokeFamily(token: string): Promise<boolean> {
    const [row] = await this.#db
      .select({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(token)));
    if (!row) return false;
    await this.#db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)));
    return true;
  }
}
