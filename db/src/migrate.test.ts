import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@gx/runtime';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase, migrationsFolder } from './migrate.js';
import { withDatabase } from './testing/index.js';

const run = promisify(execFile);

describe('migrations', () => {
  const name = `gx_empty_${process.pid}_${Date.now()}`;
  const adminUrl = inject('databaseAdminUrl');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const url = withDatabase(adminUrl, name);

  beforeAll(async () => {
    await admin`create database ${admin(name)}`;
  });
  afterAll(async () => {
    await admin`drop database if exists ${admin(name)} with (force)`;
    await admin.end();
  });

  it('apply to an empty database, and a second run changes nothing', async () => {
    await migrateDatabase(url);
    await migrateDatabase(url);
    const sql = postgres(url, { max: 1 });
    try {
      const tables = await sql<{ table_name: string }[]>`
        select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
      expect(tables.map((t) => t.table_name)).toEqual([
        'commands',
        'credentials',
        'kyc_verifications',
        'ledger_transactions',
        'projection_errors',
        'projector_checkpoints',
        'refresh_tokens',
        'transactions',
        'user_profiles',
        'wallets',
      ]);
      const [applied] = await sql<{ count: string }[]>`select count(*) from drizzle.__drizzle_migrations`;
      expect(Number(applied?.count)).toBe(
        readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).length,
      );
    } finally {
      await sql.end();
    }
  });

  it('run concurrently from several processes without conflict', async () => {
    const other = `${name}_concurrent`;
    await admin`create database ${admin(other)}`;
    try {
      const target = withDatabase(adminUrl, other);
      await Promise.all([migrateDatabase(target), migrateDatabase(target), migrateDatabase(target)]);
      const sql = postgres(target, { max: 1 });
      const [row] = await sql<{ count: string }[]>`select count(*) from drizzle.__drizzle_migrations`;
      await sql.end();
      expect(Number(row?.count)).toBeGreaterThan(0);
    } finally {
      await admin`drop database if exists ${admin(other)} with (force)`;
    }
  });

  it('match the drizzle tables: generating again finds no change', async () => {
    const root = workspaceRoot();
    // drizzle-kit takes `out` relative to the working directory
    mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
    const out = mkdtempSync(path.join(root, 'node_modules/.cache/gx-drift-'));
    try {
      cpSync(migrationsFolder, out, { recursive: true });
      // drizzle-kit loads the tables through the packages' built output
      await run('npx', ['tsc', '-b', 'schema'], { cwd: root });
      const { stdout, stderr } = await run(
        'npx',
        [
          'drizzle-kit',
          'generate',
          '--dialect=postgresql',
          '--schema=./db/src/tables/index.ts',
          `--out=${path.relative(root, out)}`,
        ],
        { cwd: root },
      );
      expect(stdout + stderr).toContain('No schema changes');
      expect(readdirSync(out).sort()).toEqual(readdirSync(migrationsFolder).sort());
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
