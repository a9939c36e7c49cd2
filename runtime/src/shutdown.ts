import type { Logger } from 'pino';
import { isGone, launchers } from './launchers.js';

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits: 0 when it finished within the grace period,
 * 1 otherwise. A second signal exits at once. Under the dev supervisor (an IPC channel to the
 * parent), the parent's death counts as SIGTERM, so no service outlives it holding its port.
 */
export function onShutdown(
  logger: Logger,
  stop: (signal: NodeJS.Signals) => Promise<void>,
  graceMs = 25_000,
): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown grace period exceeded');
      process.exit(1);
    }, graceMs);
    timer.unref();
    stop(signal).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handle);
  process.once('SIGTERM', handle);
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => handle('SIGTERM'));
  }
}

/**
 * Shuts this process down as on SIGTERM (through `onShutdown`'s handler) once a process that
 * launched it is gone: its parent, or a Node.js process above it. `pnpm dev` runs its script under
 * pnpm, which exits on a SIGTERM without passing it on, and README's `npx pnpm dev` puts npm's
 * `exec` above pnpm, which does the same: the supervisor, its services and the embedded PostgreSQL
 * outlived either, holding their ports.
 */
export function stopWithLaunchers(intervalMs = 1_000): void {
  const parent = process.ppid;
  const watched = launchers();
  const timer = setInterval(() => {
    if (process.ppid === parent && !watched.some(isGone)) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref();
}
