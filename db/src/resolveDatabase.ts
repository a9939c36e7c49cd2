import type { Logger } from '@gx/runtime';
import { clusterDir, serverRunAs, startEmbeddedPostgres } from './embedded/index.js';

export interface ResolvedDatabase {
  url: string;
  /** Whether the embedded server is in use (DATABASE_URL unset). */
  embedded: boolean;
  /** Stops the embedded server if this process started (or adopted) it; otherwise nothing. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set (nothing is started); otherwise the embedded PostgreSQL under
 * `$GX_DATA_DIR/pg`, started if it is not already running. `adopt` makes this process responsible
 * for stopping a server it found running (the dev supervisor); a service started on its own
 * leaves a shared server running.
 */
export interface DatabaseSettings {
  DATABASE_URL?: string | undefined;
  GX_DATA_DIR?: string | undefined;
  /** The embedded server's port (validated by the service's config; see @gx/runtime). */
  GX_PG_PORT: number;
}

export async function resolveDatabase(
  env: DatabaseSettings,
  logger: Logger,
  options: { adopt?: boolean } = {},
): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  const runAs = serverRunAs();
  const location = clusterDir(env, runAs);
  if (location.movedBecause) {
    logger.warn(
      { dataDir: location.dir, because: location.movedBecause },
      'embedded PostgreSQL data placed outside the workspace (set GX_DATA_DIR to choose)',
    );
  }
  const server = await startEmbeddedPostgres({
    dataDir: location.dir,
    port: env.GX_PG_PORT,
    logger,
    adopt: options.adopt ?? false,
  });
  return {
    url: server.url,
    embedded: true,
    stop: server.started || options.adopt ? server.stop : async () => {},
  };
}
