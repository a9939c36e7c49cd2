import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RunningServer {
  pid: number;
  port: number;
}

/**
 * A server already running on this data directory, read from its postmaster.pid (line 1 the pid,
 * line 4 the port), or undefined when there is none or the file is stale.
 */
export function runningServer(dataDir: string): RunningServer | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  if (!isAlive(pid)) return undefined;
  return { pid, port };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
