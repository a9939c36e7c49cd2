import { readLag, type Sql } from '@gx/db';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  /** Age of the oldest command COMMITTED but not yet PROJECTED; 0 when none. */
  projector_lag_seconds: number | null;
  /** Highest block recorded on a COMMITTED command − the projector's checkpoint block; at least 0. */
  projector_lag_blocks: number | null;
  max_lag_seconds?: number;
}

const timeout = (ms: number) =>
  new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
  );

/**
 * `/readyz`: the database answers, and the projection lag is reported. The lag fails readiness only
 * when `maxLagSeconds` is set (READY_MAX_LAG_SECONDS): a lagging projector must not take every api
 * replica out of service.
 */
export async function readiness(sql: Sql, maxLagSeconds?: number, timeoutMs = 2_000): Promise<Readiness> {
  try {
    const lag = await Promise.race([readLag(sql), timeout(timeoutMs)]);
    const lagSeconds = Math.round(lag.lagSeconds * 1000) / 1000;
    const lagBlocks = lag.lagBlocks;
    const lagging = maxLagSeconds !== undefined && lagSeconds > maxLagSeconds;
    return {
      ready: !lagging,
      database: 'ok',
      projector_lag_seconds: lagSeconds,
      projector_lag_blocks: lagBlocks,
      ...(maxLagSeconds !== undefined ? { max_lag_seconds: maxLagSeconds } : {}),
    };
  } catch {
    return { ready: false, database: 'unreachable', projector_lag_seconds: null, projector_lag_blocks: null };
  }
}
