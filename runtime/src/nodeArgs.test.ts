import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceNodeArgs, sourceServiceArgs } from './nodeArgs.js';
import { workspaceRoot } from './paths.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function packageWith(manifest: object): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'gx-node-args-'));
  folders.push(folder);
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify(manifest));
  return folder;
}

describe('serviceNodeArgs', () => {
  it("gives the api's larger young generation, and nothing for a service that names none", () => {
    expect(serviceNodeArgs(path.join(workspaceRoot(), 'api'))).toEqual(['--max-semi-space-size=64']);
    expect(serviceNodeArgs(path.join(workspaceRoot(), 'submitter'))).toEqual([]);
  });

  it('runs a service from source with its own options first, then tsx, then its entry', () => {
    const api = path.join(workspaceRoot(), 'api');
    expect(sourceServiceArgs(api)).toEqual([
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      '--conditions=@gx/source',
      path.join(api, 'src', 'main.ts'),
    ]);
    expect(sourceServiceArgs(path.join(workspaceRoot(), 'submitter'), 'other.ts')).toEqual([
      '--import',
      'tsx',
      '--conditions=@gx/source',
      'other.ts',
    ]);
  });

  it('refuses what is not a list of options', () => {
    for (const nodeArgs of ['--max-semi-space-size=64', ['dist/main.js'], [64]]) {
      expect(() => serviceNodeArgs(packageWith({ gx: { nodeArgs } }))).toThrow(
        /gx\.nodeArgs must be a list of --options/,
      );
    }
  });
});
