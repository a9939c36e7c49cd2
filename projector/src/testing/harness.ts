import { connect, type Database, readLag } from '@gx/db';
import { connectLedger, type Ledger } from '@gx/fabric';
import { createLogger, type Logger } from '@gx/runtime';
import { Registry } from 'prom-client';
import { ProjectorMetrics } from '../metrics.js';
import { Projector } from '../projector.js';

export const quietLogger: Logger = createLogger({
  service: 'projector-test',
  level: 'silent',
  format: 'json',
});

export interface InProcessProjector {
  projector: Projector;
  registry: Registry;
  metrics: ProjectorMetrics;
  ledger: Ledger;
  database: Database;
  stop(): Promise<void>;
}

/** A projector in the test's process, with its own ledger connection, pool and metrics registry. */
export async function startProjector(options: {
  databaseUrl: string;
  connectionDir: string;
  logger?: Logger;
  maxGroupEvents?: number;
}): Promise<InProcessProjector> {
  const logger = options.logger ?? quietLogger;
  const database = connect(options.databaseUrl, { max: 3, applicationName: 'gx-projector-test' });
  const registry = new Registry();
  const metrics = new ProjectorMetrics(registry, { defaultMetrics: false });
  const ledger = await connectLedger({ folder: options.connectionDir, logger: quietLogger, registry });
  metrics.measureFrom({ chainHeight: () => ledger.chainHeight(), lag: () => readLag(database.sql) });
  const projector = new Projector({
    database,
    databaseUrl: options.databaseUrl,
    ledger,
    logger,
    metrics,
    leaderPollMs: 200,
    retryBaseMs: 50,
    retryMaxMs: 500,
    maxGroupEvents: options.maxGroupEvents ?? 1_000,
    reconnectDelayMs: 50,
  });
  projector.start();
  return {
    projector,
    registry,
    metrics,
    ledger,
    database,
    async stop() {
      await projector.stop();
      ledger.close();
      await database.close();
    },
  };
}

/** A logger that keeps every line, for tests that check what was logged. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = {
    write(chunk: string) {
      lines.push(JSON.parse(chunk) as Record<string, unknown>);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return {
    logger: createLogger({ service: 'projector-test', level: 'warn', format: 'json', destination }),
    lines,
  };
}
