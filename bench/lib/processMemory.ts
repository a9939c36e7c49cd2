import { existsSync, readFileSync } from 'node:fs';

/** Resident memory of a process in MiB, from /proc/<pid>/status; 0 when it is gone. */
export function processRssMiB(pid: number): number {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return 0;
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(file, 'utf8'));
  return line ? Number(line[1]) / 1024 : 0;
}
