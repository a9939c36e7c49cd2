import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProcStat } from './launchers.js';

const folder = mkdtempSync(path.join(tmpdir(), 'gx-shutdown-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const shutdownModule = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'shutdown.ts'),
).href;

/** Writes a script and returns its path. */
function script(name: string, text: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

/** A service under watch: records the signal its stop ran on in `stopped`, prints `ready`. */
function service(name: string): { file: string; stopped: string } {
  const stopped = path.join(folder, `${name}.stopped`);
  const file = script(
    `${name}.mjs`,
    `import { writeFileSync } from 'node:fs';
     import { onShutdown, stopWithLaunchers } from ${JSON.stringify(shutdownModule)};
     const logger = { info() {}, warn() {}, error() {} };
     onShutdown(logger, async (signal) => writeFileSync(${JSON.stringify(stopped)}, signal));
     stopWithLaunchers(50);
     console.log('ready');
     setInterval(() => {}, 1000);`,
  );
  return { file, stopped };
}

/** A Node.js launcher: starts `command`, reports its pid and passes its first output on, then stays. */
function launcher(name: string, command: string[]): string {
  return script(
    `${name}.mjs`,
    `import { spawn } from 'node:child_process';
     const child = spawn(${JSON.stringify(command[0])}, ${JSON.stringify(command.slice(1))}, { stdio: ['ignore', 'pipe', 'inherit'] });
     child.stdout.once('data', (chunk) => process.stdout.write('${name} started ' + child.pid + '\\n' + chunk));
     setInterval(() => {}, 1000);`,
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts a process tree and waits until every `… started <pid>` line has come. */
async function start(command: string[], names: string[]): Promise<{ top: ChildProcess; pids: number[] }> {
  const top = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  top.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await expect.poll(() => output, { timeout: 20_000 }).toMatch(/ready/);
  const pids = names.map((name) => Number(new RegExp(`^${name} started (\\d+)$`, 'm').exec(output)![1]));
  return { top, pids };
}

const parentOf = (pid: number) => parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).ppid;

const serviceCommand = (file: string) => [process.execPath, '--import', 'tsx', file];

describe('stopWithLaunchers', () => {
  it('shuts the process down through its SIGTERM handler once its parent is gone', async () => {
    const { file, stopped } = service('child');
    const parent = launcher('parent', serviceCommand(file));
    const { top, pids } = await start([process.execPath, parent], ['parent']);
    const [childPid] = pids as [number];
    top.kill('SIGKILL');
    try {
      await expect.poll(() => alive(childPid), { timeout: 10_000, interval: 100 }).toBe(false);
    } finally {
      if (alive(childPid)) process.kill(childPid, 'SIGKILL');
    }
    expect(readFileSync(stopped, 'utf8')).toBe('SIGTERM');
  });

  it('and once a Node.js process above its parent is gone (npx above pnpm), its parent still running', async () => {
    const { file, stopped } = service('grandchild');
    const parent = launcher('parent', serviceCommand(file));
    // as npm runs pnpm's bin: through `sh -c` (`; :` keeps the shell from exec-ing node in its place)
    const grandparent = launcher('grandparent', ['sh', '-c', `"${process.execPath}" "${parent}"; :`]);
    const { top, pids } = await start([process.execPath, grandparent], ['grandparent', 'parent']);
    const [shellPid, childPid] = pids as [number, number];
    const parentPid = parentOf(childPid);
    top.kill('SIGKILL');
    try {
      await expect.poll(() => alive(childPid), { timeout: 10_000, interval: 100 }).toBe(false);
      expect([alive(parentPid), alive(shellPid)]).toEqual([true, true]);
    } finally {
      for (const pid of [childPid, parentPid, shellPid]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    expect(readFileSync(stopped, 'utf8')).toBe('SIGTERM');
  });

  it('outlives a shell above its Node.js launchers (nohup, a closed terminal)', async () => {
    const { file, stopped } = service('nohup');
    const parent = launcher('parent', serviceCommand(file));
    // a shell running a script, as a user's shell or nohup's is: not a launcher
    const run = script('run.sh', `"${process.execPath}" "${parent}"\n:\n`);
    const { top, pids } = await start(['sh', run], ['parent']);
    const [childPid] = pids as [number];
    const parentPid = parentOf(childPid);
    try {
      top.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(alive(childPid)).toBe(true);
      expect(existsSync(stopped)).toBe(false);
      process.kill(parentPid, 'SIGKILL');
      await expect.poll(() => alive(childPid), { timeout: 10_000, interval: 100 }).toBe(false);
    } finally {
      for (const pid of [childPid, parentPid]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    expect(readFileSync(stopped, 'utf8')).toBe('SIGTERM');
  });
});

describe('parseProcStat', () => {
  it('reads state, parent and start time past a command name with spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    fields[1] = '4242';
    fields[19] = '987654';
    expect(parseProcStat(`1234 (npm exec (pnpm) dev) ${fields.join(' ')}`)).toEqual({
      state: 'S',
      ppid: 4242,
      startTime: '987654',
    });
  });
});
