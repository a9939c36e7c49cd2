import './reflectMetadata.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
const tenYears = 10 * 365 * 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM (the key as PKCS#8, which the official client loads). */
export interface IssuedIdentity {
  certPem: string;
  keyPem: string;
}

export interface CertificateAuthority extends IssuedIdentity {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface IssueOptions {
  subject: string;
  /** Server certificates name the hosts clients dial; `ip:` entries become IP SANs. */
  altNames?: { dns?: string[]; ip?: string[] };
  usage: 'signing' | 'tls-server' | 'tls-client';
}

/** A self-signed CA, as Fabric's cryptogen makes one per organisation for identities and one for TLS. */
export async function createCertificateAuthority(subject: string): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: subject,
    keys,
    serialNumber: randomSerial(),
    notBefore: backdated(),
    notAfter: new Date(Date.now() + tenYears),
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certificate,
    keys,
    certPem: certificate.toString('pem'),
    keyPem: await exportKey(keys.privateKey),
  };
}

/** A leaf certificate issued by `ca` for a fresh P-256 key. */
export async function issueCertificate(
  ca: CertificateAuthority,
  options: IssueOptions,
): Promise<IssuedIdentity> {
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      options.usage === 'signing'
        ? x509.KeyUsageFlags.digitalSignature
        : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (options.usage !== 'signing') {
    const purpose =
      options.usage === 'tls-server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
    extensions.push(new x509.ExtendedKeyUsageExtension([purpose]));
  }
  const names = [
    ...(options.altNames?.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.altNames?.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const certificate = await x509.X509CertificateGenerator.create({
    subject: options.subject,
    issuer: ca.certificate.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    serialNumber: randomSerial(),
    notBefore: backdated(),
    notAfter: new Date(Date.now() + tenYears),
    signingAlgorithm,
    extensions,
  });
  return { certPem: certificate.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}

/** Restores a CA from its PEM files, so a restart keeps issuing under the same root. */
export async function loadCertificateAuthority(
  certPem: string,
  keyPem: string,
): Promise<CertificateAuthority> {
  const certificate = new x509.X509Certificate(certPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem), ecdsa, true, ['sign']);
  const publicKey = await certificate.publicKey.export(ecdsa, ['verify']);
  return { certificate, keys: { privateKey, publicKey }, certPem, keyPem };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** A positive 16-byte serial (the top bit cleared so DER needs no sign byte). */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

/** Starts validity a little in the past so a client with a slightly slow clock accepts it. */
function backdated(): Date {
  return new Date(Date.now() - 60 * 60 * 1000);
}
