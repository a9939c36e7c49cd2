import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FabricConnectionError } from './errors.js';

/** `connection.json`: where the peer is and which channel and chaincode to use. */
const ConnectionJson = z.object({
  endpoint: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'),
  hostOverride: z.string().min(1).optional(),
  mspId: z.string().min(1),
  channel: z.string().min(1),
  chaincode: z.string().min(1),
});

export interface ConnectionProfile extends z.infer<typeof ConnectionJson> {
  folder: string;
  tlsCaPem: Buffer;
  clientCertPem: Buffer;
  clientKey: KeyObject;
}

export const connectionFiles = {
  connection: 'connection.json',
  clientCert: 'client-cert.pem',
  clientKey: 'client-key.pem',
  tlsCa: 'tls-ca.pem',
} as const;

/**
 * Reads a connection folder: the same four files for devnet and a real network. Every problem
 * is one line naming the file.
 */
export function loadConnectionProfile(folder: string): ConnectionProfile {
  const file = (name: string) => path.join(folder, name);
  const read = (name: string): Buffer => {
    try {
      return readFileSync(file(name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new FabricConnectionError(
        `${file(name)}: ${code === 'ENOENT' ? 'missing' : `cannot be read (${code})`}`,
      );
    }
  };

  let json: unknown;
  try {
    json = JSON.parse(read(connectionFiles.connection).toString('utf8'));
  } catch (error) {
    if (error instanceof FabricConnectionError) throw error;
    throw new FabricConnectionError(`${file(connectionFiles.connection)}: not valid JSON`);
  }
  const parsed = ConnectionJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FabricConnectionError(
      `${file(connectionFiles.connection)}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }

  const clientCertPem = read(connectionFiles.clientCert);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(clientCertPem);
  } catch {
    throw new FabricConnectionError(`${file(connectionFiles.clientCert)}: not a PEM X.509 certificate`);
  }
  let clientKey: KeyObject;
  try {
    clientKey = createPrivateKey(read(connectionFiles.clientKey));
  } catch (error) {
    if (error instanceof FabricConnectionError) throw error;
    throw new FabricConnectionError(`${file(connectionFiles.clientKey)}: not a PEM private key`);
  }
  if (!certificate.checkPrivateKey(clientKey)) {
    throw new FabricConnectionError(
      `${file(connectionFiles.clientKey)}: does not belong to the certificate in ${connectionFiles.clientCert}`,
    );
  }
  const tlsCaPem = read(connectionFiles.tlsCa);
  try {
    new X509Certificate(tlsCaPem);
  } catch {
    throw new FabricConnectionError(`${file(connectionFiles.tlsCa)}: not a PEM X.509 certificate`);
  }
  return { ...parsed.data, folder, tlsCaPem, clientCertPem, clientKey };
}
