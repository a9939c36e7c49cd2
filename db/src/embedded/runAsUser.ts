import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const serverUser = 'postgres';

function lookup(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid, name };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root. As root (CI, containers) the server runs as the system user
 * `postgres`, created when missing; otherwise as the current user (undefined: no switch).
 */
export function serverRunAs(): RunAs | undefined {
  if (userInfo().uid !== 0) return undefined;
  const existing = lookup(serverUser);
  if (existing) return existing;
  execFileSync('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    serverUser,
  ]);
  const created = lookup(serverUser);
  if (!created) throw new Error(`could not create the system user "${serverUser}" to run PostgreSQL as`);
  return created;
}
