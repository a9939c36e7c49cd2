import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  type IssuedIdentity,
  issueCertificate,
  loadCertificateAuthority,
} from './ca.js';

/** Everything devnet signs or serves with. The CAs and identities persist; the TLS server certificate is reissued per start. */
export interface Pki {
  orgCaCertPem: string;
  tlsCaCertPem: string;
  /** Signs endorsements, as a peer's own enrollment does. */
  peer: IssuedIdentity;
  /** The identity handed to clients (connection folder). */
  client: IssuedIdentity;
  tlsServer: IssuedIdentity;
}

const persisted = ['org-ca', 'tls-ca', 'peer', 'client'] as const;
type Persisted = (typeof persisted)[number];

/**
 * Loads the PKI kept under `cryptoDir`, or creates it on first start. A partial set (a crash
 * during the first start) is replaced as a whole, so every identity chains to the CAs on disk.
 */
export async function loadOrCreatePki(cryptoDir: string, orgDomain: string, hosts: string[]): Promise<Pki> {
  await mkdir(cryptoDir, { recursive: true, mode: 0o700 });
  const files = (name: Persisted) => ({
    cert: path.join(cryptoDir, `${name}-cert.pem`),
    key: path.join(cryptoDir, `${name}-key.pem`),
  });
  const complete = persisted.every((name) => existsSync(files(name).cert) && existsSync(files(name).key));

  let orgCa: CertificateAuthority;
  let tlsCa: CertificateAuthority;
  let peer: IssuedIdentity;
  let client: IssuedIdentity;
  if (complete) {
    const read = async (name: Persisted) => ({
      certPem: await readFile(files(name).cert, 'utf8'),
      keyPem: await readFile(files(name).key, 'utf8'),
    });
    const [org, tls] = [await read('org-ca'), await read('tls-ca')];
    orgCa = await loadCertificateAuthority(org.certPem, org.keyPem);
    tlsCa = await loadCertificateAuthority(tls.certPem, tls.keyPem);
    peer = await read('peer');
    client = await read('client');
  } else {
    orgCa = await createCertificateAuthority(`CN=ca.${orgDomain}, O=${orgDomain}`);
    tlsCa = await createCertificateAuthority(`CN=tlsca.${orgDomain}, O=${orgDomain}`);
    peer = await issueCertificate(orgCa, {
      subject: `CN=peer0.${orgDomain}, OU=peer, O=${orgDomain}`,
      usage: 'signing',
    });
    client = await issueCertificate(orgCa, {
      subject: `CN=User1@${orgDomain}, OU=client, O=${orgDomain}`,
      usage: 'signing',
    });
    const identities: Record<Persisted, IssuedIdentity> = { 'org-ca': orgCa, 'tls-ca': tlsCa, peer, client };
    for (const name of persisted) {
      await writeAtomically(files(name).cert, identities[name].certPem, 0o644);
      await writeAtomically(files(name).key, identities[name].keyPem, 0o600);
    }
  }

  const tlsServer = await issueCertificate(tlsCa, {
    subject: `CN=peer0.${orgDomain}, O=${orgDomain}`,
    usage: 'tls-server',
    altNames: {
      dns: hosts.filter((host) => !isIpAddress(host)),
      ip: hosts.filter(isIpAddress),
    },
  });
  return { orgCaCertPem: orgCa.certPem, tlsCaCertPem: tlsCa.certPem, peer, client, tlsServer };
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, file);
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
