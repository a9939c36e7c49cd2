import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { dataDir, workspaceRoot } from '@gx/runtime';
import type { RunAs } from './runAsUser.js';
import { blockedAncestor } from './traversable.js';

export interface ClusterDir {
  dir: string;
  /** Set when the default folder was unreachable for the server's user and another was chosen. */
  movedBecause?: string;
}

/**
 * `$GX_DATA_DIR/pg`. When GX_DATA_DIR is not set and the server's user cannot reach the workspace
 * (a clone under /root, say), a folder under /var/tmp named after the workspace is used instead, so
 * `pnpm dev` works anywhere and still finds its data again on the next start.
 */
export function clusterDir(env: { GX_DATA_DIR?: string | undefined }, runAs: RunAs | undefined): ClusterDir {
  const preferred = path.join(dataDir(env), 'pg');
  const blocked = blockedAncestor(preferred, runAs);
  if (!blocked || env.GX_DATA_DIR) return { dir: preferred };
  const id = createHash('sha256').update(workspaceRoot()).digest('hex').slice(0, 12);
  const base = path.join('/var/tmp', `gx-${id}`);
  mkdirSync(base, { recursive: true, mode: 0o755 });
  return { dir: path.join(base, 'pg'), movedBecause: `${runAs?.name} cannot enter ${blocked}` };
}
