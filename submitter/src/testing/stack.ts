import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { workspaceRoot } from '@gx/runtime';

/** A submitter as its own process, started as the supervisor starts it. */
export interface SubmitterProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves with the exit code after SIGTERM. */
  stop(): Promise<number | null>;
  kill(): void;
}

export async function spawnSubmitter(env: Record<string, string>): Promise<SubmitterProcess> {
  const root = workspaceRoot();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gx/source', path.join(root, 'submitter/src/main.ts')],
    {
      cwd: path.join(root, 'submitter'),
      env: { ...process.env, SUBMITTER_PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes('submitter ops endpoints listening')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`submitter exited at start (${code}): ${output.join('')}`)),
    );
  });
  await started;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
