import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceNodeArgs } from '@gx/runtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { objectsOf, renderOverlay } from './support/kustomize.js';
import { workspaceDir } from './support/paths.js';
import { podOf } from './support/workloads.js';

// What can be checked of the images without a container engine: the build context holds what
// the build reads, and every entry point the images and manifests run exists after `pnpm build`.

const containerfile = readFileSync(path.join(workspaceDir, 'Containerfile'), 'utf8');
const ignorePatterns = readFileSync(path.join(workspaceDir, '.containerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

/** Whether .containerignore leaves a path out of the build context (the pattern forms used there). */
function ignored(relative: string): boolean {
  const parts = relative.split('/');
  return ignorePatterns.some((pattern) => {
    const source = pattern
      .split('/')
      .map((segment) =>
        segment === '**'
          ? '(?:.+/)?'
          : `${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}/`,
      )
      .join('')
      .replace(/\/$/, '');
    const regex = new RegExp(`^${source}$`);
    return parts.some((_, i) => regex.test(parts.slice(0, i + 1).join('/')));
  });
}

interface WorkspacePackage {
  dir: string;
  name: string;
  manifest: { exports?: Record<string, Record<string, string>>; dependencies?: Record<string, string> };
}

const workspacePackages: WorkspacePackage[] = (
  parse(readFileSync(path.join(workspaceDir, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] }
).packages.map((dir) => {
  const manifest = JSON.parse(readFileSync(path.join(workspaceDir, dir, 'package.json'), 'utf8'));
  return { dir, name: manifest.name as string, manifest };
});
const packageNamed = (name: string) => workspacePackages.find((p) => p.name === name);

/** A service image: its stage, the package `pnpm deploy` copies into it, the port and command. */
interface ImageTarget {
  stage: string;
  pkg: WorkspacePackage;
  command: string[];
  exposed?: number;
  healthcheckPort?: number;
}

function imageTargets(): ImageTarget[] {
  const deploys = new Map(
    [...containerfile.matchAll(/pnpm deploy --filter (\S+) --prod (\/deploy\/\S+)/g)].map((m) => [
      m[2],
      m[1],
    ]),
  );
  const stages = containerfile.split(/^FROM /m).slice(1);
  return stages.flatMap((stage) => {
    const name = /^\S+ AS (\S+)/.exec(stage)?.[1];
    const copied = /COPY --from=build (\/deploy\/\S+) \/app/.exec(stage)?.[1];
    if (!name || !copied) return [];
    const packageName = deploys.get(copied);
    const pkg = packageName ? packageNamed(packageName) : undefined;
    if (!pkg) throw new Error(`stage ${name}: no workspace package is deployed to ${copied}`);
    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(stage)?.[1] ?? 'null') as string[];
    const exposed = /^EXPOSE (\d+)$/m.exec(stage)?.[1];
    const healthcheckPort = /HEALTHCHECK[\s\S]*?127\.0\.0\.1:(\d+)/.exec(stage)?.[1];
    return [
      {
        stage: name,
        pkg,
        command,
        ...(exposed ? { exposed: Number(exposed) } : {}),
        ...(healthcheckPort ? { healthcheckPort: Number(healthcheckPort) } : {}),
      },
    ];
  });
}

/** The workspace packages a package runs with: its dependencies that are workspace packages, recursively. */
function workspaceClosure(pkg: WorkspacePackage, seen = new Set<string>()): WorkspacePackage[] {
  for (const [name, version] of Object.entries(pkg.manifest.dependencies ?? {})) {
    const dependency = packageNamed(name);
    if (!version.startsWith('workspace:') || !dependency || seen.has(name)) continue;
    seen.add(name);
    workspaceClosure(dependency, seen);
  }
  return [...seen].map((name) => packageNamed(name)!);
}

const built = (file: string) => {
  if (!existsSync(file)) {
    throw new Error(`${path.relative(workspaceDir, file)} is missing: run \`pnpm build\` (tsc -b) first`);
  }
  return true;
};

describe('container images', () => {
  const targets = imageTargets();

  it('build one image per service', () => {
    expect(targets.map((t) => [t.stage, t.pkg.name])).toEqual([
      ['api', '@gx/api'],
      ['submitter', '@gx/submitter'],
      ['projector', '@gx/projector'],
      ['chaincode', '@gx/chaincode'],
    ]);
  });

  it('run as a non-root user with NODE_ENV=production', () => {
    expect(containerfile).toMatch(/^USER 1000:1000$/m);
    expect(containerfile).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it('have in their build context everything the build reads', () => {
    const needed = [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'tsconfig.json',
      'tsconfig.base.json',
      'db/migrations/0000_initial.sql',
      ...workspacePackages.flatMap((p) => [`${p.dir}/package.json`]),
      ...(
        JSON.parse(readFileSync(path.join(workspaceDir, 'tsconfig.json'), 'utf8')) as {
          references: { path: string }[];
        }
      ).references.map((r) => `${r.path}/tsconfig.json`),
    ];
    for (const file of needed) {
      expect(existsSync(path.join(workspaceDir, file)), `${file} exists`).toBe(true);
      expect(ignored(file), `${file} is in the build context`).toBe(false);
    }
    for (const file of [
      'node_modules/x',
      'api/node_modules/x',
      'api/dist/main.js',
      '.git/HEAD',
      'bench/results/a.json',
    ]) {
      expect(ignored(file), `${file} is left out`).toBe(true);
    }
  });

  it.each(imageTargets().map((t) => [t.stage, t] as const))(
    '%s: its command exists after the build and runs with the Node.js options its package names',
    (_, target) => {
      const [program, ...args] = target.command;
      expect(program).toBe('node');
      expect(args.slice(0, -1)).toEqual(serviceNodeArgs(path.join(workspaceDir, target.pkg.dir)));
      built(path.join(workspaceDir, target.pkg.dir, args.at(-1)!));
    },
  );

  it.each(imageTargets().map((t) => [t.stage, t] as const))(
    '%s: every workspace package it runs with has its compiled entry points',
    (_, target) => {
      for (const dependency of workspaceClosure(target.pkg)) {
        for (const entry of Object.values(dependency.manifest.exports ?? {})) {
          built(path.join(workspaceDir, dependency.dir, entry.default!));
        }
      }
    },
  );

  it.each(imageTargets().map((t) => [t.stage, t] as const))(
    '%s: the manifests run this image on the port it exposes, with commands it contains',
    (_, target) => {
      const deployments = objectsOf(renderOverlay('prod'), 'Deployment');
      const containers = deployments.flatMap((d) => podOf(d).allContainers);
      const own = containers.filter((c) => c.image.split(':')[0]!.endsWith(`/gx-gateway/${target.stage}`));
      expect(own.length).toBeGreaterThan(0);
      for (const container of own) {
        if (container.command) {
          // run from WORKDIR /app, where `pnpm deploy` put the package and its node_modules
          const [program, script] = container.command as string[];
          expect(program).toBe('node');
          const match = /^node_modules\/(@gx\/[^/]+)\/(.+)$/.exec(script!);
          expect(match, `${container.name}: ${script}`).not.toBeNull();
          const dependency = workspaceClosure(target.pkg).find((p) => p.name === match![1]);
          expect(dependency, `${target.pkg.name} depends on ${match![1]}`).toBeDefined();
          built(path.join(workspaceDir, dependency!.dir, match![2]!));
        } else {
          expect(container.ports?.map((p) => p.containerPort)).toEqual([target.exposed]);
        }
      }
      if (target.healthcheckPort !== undefined) expect(target.healthcheckPort).toBe(target.exposed);
    },
  );

  // Started the way the image starts them, without tsx or the source condition: every import must
  // resolve to compiled code. Without a database (or chaincode id) each stops at its config check.
  it.each([
    ['api', 'api/dist/main.js', /DATABASE_URL: required when NODE_ENV=production/],
    ['submitter', 'submitter/dist/main.js', /DATABASE_URL: required when NODE_ENV=production/],
    ['projector', 'projector/dist/main.js', /DATABASE_URL: required when NODE_ENV=production/],
    ['chaincode', 'chaincode/dist/server.js', /CHAINCODE_ID: required/],
    ['migrations', 'db/dist/cli/migrate.js', /DATABASE_URL: required when NODE_ENV=production/],
  ])('%s: the compiled entry point loads and refuses a missing setting', (_, entry, message) => {
    built(path.join(workspaceDir, entry));
    const { DATABASE_URL: _unused, ...environment } = process.env;
    const run = spawnSync(process.execPath, [path.join(workspaceDir, entry)], {
      cwd: path.join(workspaceDir, entry.split('/')[0]!),
      env: { ...environment, NODE_ENV: 'production', LOG_FORMAT: 'json', CHAINCODE_ID: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(78);
    expect(`${run.stdout}${run.stderr}`).toMatch(message);
  });
});
