import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@gx/runtime';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { freePort, startEmbeddedPostgres } from '../embedded/index.js';
import { migrateDatabase } from '../migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the run's server, on its maintenance database. */
    databaseAdminUrl: string;
    /** A migrated database to copy for each test file. */
    templateDatabase: string;
  }
}

/**
 * One PostgreSQL server for the whole run: DATABASE_URL's when set, otherwise an embedded one in
 * a temporary folder. Migrations are applied once to a template database; each test file copies
 * it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger({ service: 'test-db', level: 'warn', format: 'json' });
  try {
    let adminUrl: string;
    let stopServer = async () => {};
    let folder: string | undefined;
    if (process.env.DATABASE_URL) {
      adminUrl = process.env.DATABASE_URL;
    } else {
      folder = mkdtempSync(path.join(tmpdir(), 'gx-test-pg-'));
      chmodSync(folder, 0o755); // the server's user must be able to enter it
      const server = await startEmbeddedPostgres({
        dataDir: path.join(folder, 'pg'),
        port: await freePort(),
        logger,
        ephemeral: true,
        database: 'postgres',
      });
      adminUrl = server.adminUrl;
      stopServer = server.stop;
    }

    const templateDatabase = `gx_template_${process.pid}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin`drop database if exists ${admin(templateDatabase)}`;
    await admin`create database ${admin(templateDatabase)}`;
    await migrateDatabase(withDatabase(adminUrl, templateDatabase));

    project.provide('databaseAdminUrl', adminUrl);
    project.provide('templateDatabase', templateDatabase);

    return async () => {
      await admin`drop database if exists ${admin(templateDatabase)} with (force)`;
      await admin.end({ timeout: 5 });
      await stopServer();
      if (folder) rmSync(folder, { recursive: true, force: true });
    };
  } catch (error) {
    // vitest reports a throwing global setup only as "No test files found": say why first.
    console.error('test database setup failed:', error);
    throw error;
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
