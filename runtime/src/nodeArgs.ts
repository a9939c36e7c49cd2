import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Node.js options a service runs with, from its package.json (`gx.nodeArgs`, none if it has
 * none). `pnpm dev`, the test and bench processes and (checked by the image tests) the container
 * images all start it with them, so what is measured is what runs.
 */
export function serviceNodeArgs(serviceDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(serviceDir, 'package.json'), 'utf8')) as {
    gx?: { nodeArgs?: unknown };
  };
  const args = manifest.gx?.nodeArgs ?? [];
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string' && arg.startsWith('--'))) {
    throw new Error(`${path.join(serviceDir, 'package.json')}: gx.nodeArgs must be a list of --options`);
  }
  return args;
}

/**
 * The arguments to `node` that run a service from its TypeScript source: its own options
 * (`serviceNodeArgs`), then tsx and the workspace's source condition, then the entry (by default
 * `<service>/src/main.ts`).
 */
export function sourceServiceArgs(
  serviceDir: string,
  entry = path.join(serviceDir, 'src', 'main.ts'),
): string[] {
  return [...serviceNodeArgs(serviceDir), '--import', 'tsx', '--conditions=@gx/source', entry];
}
