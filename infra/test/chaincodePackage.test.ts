import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCcaasPackage, packageId } from '../chaincode/package.js';
import { dataOf, generated, objectNamed, renderOverlay } from './support/kustomize.js';
import { infraDir, workspaceDir } from './support/paths.js';

/** The entries of a tar archive: name, type flag and content (enough of ustar for these packages). */
function untar(archive: Buffer): { name: string; type: string; content: Buffer }[] {
  const entries: { name: string; type: string; content: Buffer }[] = [];
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const text = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('ascii')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(text(124, 12).trim(), 8);
    const stored = header.reduce((sum, byte, i) => sum + (i >= 148 && i < 156 ? 32 : byte), 0);
    expect(Number.parseInt(text(148, 8).trim(), 8), 'header checksum').toBe(stored);
    entries.push({
      name: text(0, 100),
      type: text(156, 1),
      content: archive.subarray(offset + 512, offset + 512 + size),
    });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

const folder = mkdtempSync(path.join(tmpdir(), 'gx-ccaas-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('chaincode-as-a-service package', () => {
  const address = 'gx-chaincode.gx-gateway.svc.cluster.local:9999';

  it('has the layout `peer lifecycle chaincode install` takes', () => {
    const built = buildCcaasPackage({ label: 'gx_1.0', address });
    const outer = untar(gunzipSync(built.bytes));
    expect(outer.map((e) => [e.name, e.type])).toEqual([
      ['metadata.json', '0'],
      ['code.tar.gz', '0'],
    ]);
    expect(JSON.parse(outer[0]!.content.toString('utf8'))).toEqual({ type: 'ccaas', label: 'gx_1.0' });
    const code = untar(gunzipSync(outer[1]!.content));
    expect(code.map((e) => e.name)).toEqual(['connection.json']);
    expect(JSON.parse(code[0]!.content.toString('utf8'))).toEqual({
      address,
      dial_timeout: '10s',
      tls_required: false,
      client_auth_required: false,
    });
    expect(built.packageId).toBe(packageId('gx_1.0', built.bytes));
    expect(built.packageId).toMatch(/^gx_1\.0:[0-9a-f]{64}$/);
  });

  it('carries the TLS material for mutual TLS', () => {
    const pem = (what: string) => `-----BEGIN ${what}-----\nAAAA\n-----END ${what}-----\n`;
    const built = buildCcaasPackage({
      label: 'gx_1.0',
      address,
      tlsRootCert: pem('CERTIFICATE'),
      clientAuth: { cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') },
    });
    expect(built.connection).toEqual({
      address,
      dial_timeout: '10s',
      tls_required: true,
      root_cert: pem('CERTIFICATE'),
      client_auth_required: true,
      client_cert: pem('CERTIFICATE'),
      client_key: pem('PRIVATE KEY'),
    });
    expect(() =>
      buildCcaasPackage({ label: 'gx_1.0', address, clientAuth: { cert: 'c', key: 'k' } }),
    ).toThrow(/need --tls-root-cert/);
    expect(() => buildCcaasPackage({ label: 'gx 1.0', address })).toThrow(/--label/);
    expect(() => buildCcaasPackage({ label: 'gx_1.0', address: 'no-port' })).toThrow(/--address/);
  });

  it('is the same bytes, so the same package id, every time', () => {
    const first = buildCcaasPackage({ label: 'gx_1.0', address });
    const second = buildCcaasPackage({ label: 'gx_1.0', address });
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(buildCcaasPackage({ label: 'gx_1.1', address }).packageId).not.toBe(first.packageId);
  });

  it('from the command line, reads with the system tar as a peer would and prints the id', () => {
    const out = path.join(folder, 'gx.tar.gz');
    const printed = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(infraDir, 'chaincode', 'package.ts'), '--address', address, '--out', out],
      { cwd: workspaceDir, encoding: 'utf8' },
    );
    const id = /^CHAINCODE_ID=(\S+)$/m.exec(printed)?.[1];
    expect(id).toBe(packageId('gx_1.0', readFileSync(out)));
    expect(execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual([
      'metadata.json',
      'code.tar.gz',
    ]);
    execFileSync('tar', ['-xzf', out, '-C', folder]);
    expect(
      execFileSync('tar', ['-xzOf', path.join(folder, 'code.tar.gz'), 'connection.json'], {
        encoding: 'utf8',
      }),
    ).toContain(address);
  });

  it('the dev overlay runs the chaincode server under the id of the package for its Service', () => {
    const objects = renderOverlay('dev');
    const service = objectNamed(objects, 'Service', 'gx-chaincode');
    const devAddress = `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${service.spec.ports[0].port}`;
    const configured = dataOf(generated(objects, 'ConfigMap', 'gx-chaincode')!).CHAINCODE_ID;
    expect(configured).toBe(buildCcaasPackage({ label: 'gx_1.0', address: devAddress }).packageId);
  });

  it('prod keeps a placeholder id until the operators build their TLS package (README)', () => {
    const configured = dataOf(generated(renderOverlay('prod'), 'ConfigMap', 'gx-chaincode')!);
    expect(configured.CHAINCODE_ID).toMatch(/^gx_1\.0:REPLACE-/);
    expect(configured.CHAINCODE_TLS_CERT).toBeTruthy();
  });
});
