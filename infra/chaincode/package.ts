// Builds the chaincode-as-a-service package of chaincode `gx` for `peer lifecycle chaincode install`:
//
//   npx tsx infra/chaincode/package.ts --address gx-chaincode.gx-gateway.svc.cluster.local:9999 \
//     [--label gx_1.0] [--tls-root-cert ca.crt [--client-cert peer.crt --client-key peer.key]] [--out gx.tar.gz]
//
// It prints the package id (`<label>:<sha256 of the file>`, what `peer lifecycle chaincode
// calculatepackageid` prints), which the chaincode server needs as CHAINCODE_ID.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

export interface CcaasPackageOptions {
  /** Fabric's package label: the prefix of the package id. */
  label: string;
  /** `host:port` the peers dial: the chaincode server's Service. */
  address: string;
  /** How long a peer waits to connect, in Go duration syntax. */
  dialTimeout?: string;
  /** PEM. Set: the peers speak TLS and trust this CA for the server's certificate. */
  tlsRootCert?: string;
  /** PEM pair the peers present when the server asks for client certificates (mutual TLS). */
  clientAuth?: { cert: string; key: string };
}

export interface CcaasPackage {
  bytes: Buffer;
  packageId: string;
  connection: Record<string, unknown>;
}

/** Fabric's rule for labels (core/chaincode/persistence: LabelRegexp). */
const labelPattern = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
const addressPattern = /^[^\s:]+:\d{1,5}$/;

/** connection.json as the peer's built-in `ccaas` builder reads it. */
export function connectionJson(options: CcaasPackageOptions): Record<string, unknown> {
  if (!addressPattern.test(options.address)) {
    throw new Error(`--address: expected host:port (got ${JSON.stringify(options.address)})`);
  }
  if (options.clientAuth && !options.tlsRootCert) {
    throw new Error('--client-cert and --client-key need --tls-root-cert: mutual TLS is TLS');
  }
  return {
    address: options.address,
    dial_timeout: options.dialTimeout ?? '10s',
    tls_required: options.tlsRootCert !== undefined,
    ...(options.tlsRootCert ? { root_cert: options.tlsRootCert } : {}),
    ...(options.clientAuth
      ? {
          client_auth_required: true,
          client_cert: options.clientAuth.cert,
          client_key: options.clientAuth.key,
        }
      : { client_auth_required: false }),
  };
}

/**
 * The package: a gzipped tar of `metadata.json` ({type: "ccaas", label}) and `code.tar.gz`, itself
 * a gzipped tar of `connection.json`. The package id is a hash of these bytes, and the chaincode
 * server must be configured with it, so the bytes depend on the inputs only: no timestamps,
 * owners or compression choices that vary between machines.
 */
export function buildCcaasPackage(options: CcaasPackageOptions): CcaasPackage {
  if (!labelPattern.test(options.label)) {
    throw new Error(`--label: expected letters, digits and _.+- (got ${JSON.stringify(options.label)})`);
  }
  const connection = connectionJson(options);
  const code = gzip(tar([{ name: 'connection.json', content: json(connection) }]));
  const metadata = json({ type: 'ccaas', label: options.label });
  const bytes = gzip(
    tar([
      { name: 'metadata.json', content: metadata },
      { name: 'code.tar.gz', content: code },
    ]),
  );
  return { bytes, packageId: packageId(options.label, bytes), connection };
}

export function packageId(label: string, bytes: Buffer): string {
  return `${label}:${createHash('sha256').update(bytes).digest('hex')}`;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

// Level 0 stores the bytes: the packages are a few kilobytes, and stored blocks come out the same
// from every zlib version, where compressed output may not.
const gzip = (bytes: Buffer) => gzipSync(bytes, { level: 0 });

interface TarEntry {
  name: string;
  content: Buffer;
}

/** A POSIX ustar archive of regular files, owned by 0:0, mode 0644, dated 1970. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { name, content } of entries) {
    if (Buffer.byteLength(name) > 100) throw new Error(`tar: name too long: ${name}`);
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string) =>
      header.write(value, offset, length, 'ascii');
    const octal = (offset: number, length: number, value: number) =>
      field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
    field(0, 100, name);
    octal(100, 8, 0o644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, content.length);
    octal(136, 12, 0);
    field(148, 8, ' '.repeat(8)); // counted as spaces while the checksum is computed
    field(156, 1, '0');
    field(257, 6, 'ustar\0');
    field(263, 2, '00');
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      address: { type: 'string' },
      label: { type: 'string', default: 'gx_1.0' },
      'dial-timeout': { type: 'string', default: '10s' },
      'tls-root-cert': { type: 'string' },
      'client-cert': { type: 'string' },
      'client-key': { type: 'string' },
      out: { type: 'string', default: 'gx.tar.gz' },
    },
  });
  if (!values.address) throw new Error('--address is required: host:port of the chaincode Service');
  if (Boolean(values['client-cert']) !== Boolean(values['client-key'])) {
    throw new Error('--client-cert and --client-key go together');
  }
  const pem = (file: string) => readFileSync(file, 'utf8');
  const built = buildCcaasPackage({
    label: values.label,
    address: values.address,
    dialTimeout: values['dial-timeout'],
    ...(values['tls-root-cert'] ? { tlsRootCert: pem(values['tls-root-cert']) } : {}),
    ...(values['client-cert'] && values['client-key']
      ? { clientAuth: { cert: pem(values['client-cert']), key: pem(values['client-key']) } }
      : {}),
  });
  writeFileSync(values.out, built.bytes);
  process.stdout.write(`${path.resolve(values.out)}\nCHAINCODE_ID=${built.packageId}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`package: ${(error as Error).message}`);
    process.exit(2);
  }
}
