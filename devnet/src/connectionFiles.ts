import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from './crypto/identity.js';

/** `connection.json`: everything a client needs besides its key material. */
export interface ConnectionProfile {
  endpoint: string;
  hostOverride: string;
  mspId: string;
  channel: string;
  chaincode: string;
}

export interface ConnectionFiles {
  profile: ConnectionProfile;
  clientCertPem: string;
  clientKeyPem: string;
  tlsCaCertPem: string;
}

/**
 * Writes the folder clients connect from (`FABRIC_CONNECTION_DIR`): `connection.json`,
 * `client-cert.pem`, `client-key.pem` (PKCS#8) and `tls-ca.pem`. Each file is replaced
 * atomically, so a client starting meanwhile reads a complete set.
 */
export async function writeConnectionFiles(dir: string, files: ConnectionFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { endpoint, hostOverride, mspId, channel, chaincode } = files.profile;
  const profile = { endpoint, hostOverride, mspId, channel, chaincode };
  await writeAtomically(path.join(dir, 'client-cert.pem'), files.clientCertPem, 0o644);
  await writeAtomically(path.join(dir, 'client-key.pem'), files.clientKeyPem, 0o600);
  await writeAtomically(path.join(dir, 'tls-ca.pem'), files.tlsCaCertPem, 0o644);
  await writeAtomically(path.join(dir, 'connection.json'), `${JSON.stringify(profile, null, 2)}\n`, 0o644);
}
