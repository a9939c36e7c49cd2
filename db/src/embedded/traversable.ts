import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RunAs } from './runAsUser.js';

/**
 * The first existing ancestor of `dir` that `user` cannot enter, or undefined when every one can
 * be (the server must reach its data directory through all of them).
 */
export function blockedAncestor(dir: string, user: RunAs | undefined): string | undefined {
  if (!user) return undefined;
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    if (existsSync(current)) {
      const { mode, uid, gid } = statSync(current);
      const canEnter =
        uid === user.uid
          ? (mode & 0o100) !== 0
          : gid === user.gid
            ? (mode & 0o010) !== 0
            : (mode & 0o001) !== 0;
      if (!canEnter) return current;
    }
    if (current === path.dirname(current)) return undefined;
  }
}
