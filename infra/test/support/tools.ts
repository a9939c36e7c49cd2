import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Runs a command-line tool the checks depend on. A missing tool is a failure that says how to
 * install it: these checks must not quietly pass on a machine that cannot run them.
 */
export function runTool(tool: string, args: readonly string[], howToInstall: string, cwd?: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(`${tool} is not installed; ${howToInstall}`);
  }
  try {
    return execFileSync(tool, args, { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024, stdio: 'pipe' });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${tool} ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`,
    );
  }
}

export const kubectlInstall =
  'the kustomize checks need kubectl with its built-in kustomize v5 (`kubectl kustomize`) on PATH';
export const promtoolInstall =
  "promtool comes with Debian's prometheus package: `apt-get update && apt-get install -y prometheus`";
