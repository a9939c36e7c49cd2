import { existsSync } from 'node:fs';
import path from 'node:path';
import { sourceServiceArgs } from '@gx/runtime';
import type { ServiceSpec } from './supervisor.js';

/** The services in start order; each runs from its TypeScript source under `pnpm dev`. */
const services = ['devnet', 'submitter', 'projector', 'api'] as const;

export function devServices(root: string, env: NodeJS.ProcessEnv): ServiceSpec[] {
  return services
    .map((name) => ({ name, entry: path.join(root, name, 'src', 'main.ts') }))
    .filter(({ entry }) => existsSync(entry))
    .map(({ name, entry }) => ({
      name,
      command: process.execPath,
      args: sourceServiceArgs(path.join(root, name), entry),
      cwd: path.join(root, name),
      env,
    }));
}
