import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding pnpm-workspace.yaml, found from this file rather than the working
 * directory, so `.data` is the same folder whichever package a command runs from.
 * Outside a workspace (a deployed image) it is the working directory.
 */
export function workspaceRoot(): string {
  let dir = import.meta.dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** `$GX_DATA_DIR`, or `.data` at the workspace root. */
export function dataDir(env: { GX_DATA_DIR?: string | undefined } = process.env): string {
  const configured = env.GX_DATA_DIR;
  return configured ? path.resolve(configured) : path.join(workspaceRoot(), '.data');
}
