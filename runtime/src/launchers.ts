import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** What `/proc/<pid>/stat` says of a process, as far as telling it is still the same one goes. */
export interface ProcessStat {
  state: string;
  ppid: number;
  /** Clock ticks after boot: with the pid, names the process even if the pid is reused later. */
  startTime: string;
}

/**
 * The fields of `/proc/<pid>/stat` after the command name (field 2, which may hold spaces and
 * parentheses): [0] is the state, [1] the parent, [11] and [12] utime and stime.
 */
export function procStatFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Parses `/proc/<pid>/stat`. */
export function parseProcStat(text: string): ProcessStat {
  const fields = procStatFields(text);
  return { state: fields[0]!, ppid: Number(fields[1]), startTime: fields[19]! };
}

function statOf(pid: number): ProcessStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Node.js or a package manager's own binary (pnpm 12 is one). */
const launcherBinary = /^(node|pnpm|npm|npx|yarn)/;

/** A Node.js process or package manager, or a shell running one command line for one (`sh -c`). */
function isLauncher(pid: number): boolean {
  try {
    if (launcherBinary.test(path.basename(readlinkSync(`/proc/${pid}/exe`)))) return true;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1] === '-c';
  } catch {
    return false;
  }
}

export interface Launcher {
  pid: number;
  startTime: string;
}

/**
 * The processes that launched this one: its parent, and above it the Node.js processes, package
 * managers and the `sh -c` between them in a row (pnpm, the shell npm runs pnpm's bin in, npx's
 * `npm exec`), up to the first that is none of those (the user's shell, a terminal, nohup's
 * parent: those may go while the stack is meant to stay). Empty where there is no `/proc`.
 */
export function launchers(): Launcher[] {
  const found: Launcher[] = [];
  let pid = process.ppid;
  while (pid > 1) {
    const stat = statOf(pid);
    if (!stat || (found.length > 0 && !isLauncher(pid))) break;
    found.push({ pid, startTime: stat.startTime });
    pid = stat.ppid;
  }
  return found;
}

/** Whether a launcher has exited (a zombie has: only its parent has not read its status yet). */
export function isGone(launcher: Launcher): boolean {
  const stat = statOf(launcher.pid);
  return !stat || stat.startTime !== launcher.startTime || stat.state === 'Z' || stat.state === 'X';
}
