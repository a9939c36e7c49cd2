import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

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

describe('stopWithParent', () => {
  it('shuts the process down through its SIGTERM handler once its parent is gone', async () => {
    const stopped = path.join(folder, 'stopped');
    const child = script(
      'child.mjs',
      `import { writeFileSync } from 'node:fs';
       import { onShutdown, stopWithParent } from ${JSON.stringify(shutdownModule)};
       const logger = { info() {}, warn() {}, error() {} };
       onShutdown(logger, async (signal) => writeFileSync(${JSON.stringify(stopped)}, signal));
       stopWithParent(50);
       console.log('ready');
       setInterval(() => {}, 1000);`,
    );
    // the parent starts the child, passes its output on, and is killed once the child is ready
    const parent = script(
      'parent.mjs',
      `import { spawn } from 'node:child_process';
       const child = spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(child)}], { stdio: ['ignore', 'pipe', 'inherit'] });
       child.stdout.on('data', (chunk) => process.stdout.write(chunk));
       child.stdout.once('data', () => process.stdout.write('child ' + child.pid + '\\n'));`,
    );
    const started = spawn(process.execPath, [parent], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    started.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await expect.poll(() => output, { timeout: 20_000 }).toMatch(/child (\d+)/);
    const childPid = Number(/child (\d+)/.exec(output)![1]);
    started.kill('SIGKILL');

    // the child outlives the parent only until it notices: then it stops through its SIGTERM handler
    const alive = () => {
      try {
        process.kill(childPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      await expect.poll(alive, { timeout: 10_000, interval: 100 }).toBe(false);
    } finally {
      if (alive()) process.kill(childPid, 'SIGKILL');
    }
    expect(readFileSync(stopped, 'utf8')).toBe('SIGTERM');
  });
});
