import type { Readiness } from '../services/readiness.js';

export interface HealthChecks {
  readiness: () => Promise<Readiness>;
}

/**
 * `/livez`: the process answers. `/readyz`: it can do its work (the database answers); the projection
 * lag is in the body, and fails readiness only when READY_MAX_LAG_SECONDS is set. `/health`: the
 * same as `/readyz`, for people and simple load balancers.
 */
export async function handleHealth(
  path: string,
  checks: HealthChecks,
): Promise<{ status: number; body: unknown }> {
  if (path === '/livez') return { status: 200, body: { status: 'ok' } };
  const readiness = await checks.readiness();
  return {
    status: readiness.ready ? 200 : 503,
    body: { status: readiness.ready ? 'ok' : 'unavailable', ...readiness },
  };
}
