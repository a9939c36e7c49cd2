import { type KeyObject, X509Certificate } from 'node:crypto';
import { verifyLowS } from '@gx/runtime';
import { msp } from '@hyperledger/fabric-protos';

/** A creator the organisation's MSP recognises: a certificate its CA issued, for its MSP id. */
export interface Identity {
  mspId: string;
  certPem: string;
  publicKey: KeyObject;
  /** The node OU of the certificate (`peer`, `client`, `admin`, `orderer`), as Fabric's NodeOUs classify identities. */
  role: string | undefined;
}

export type Deserialized =
  | { ok: true; identity: Identity }
  /** `mspId` is known when the identity parsed but is not valid for this organisation. */
  | { ok: false; mspId?: string };

const cacheLimit = 256;

/**
 * The channel's view of one organisation, as Fabric's MSP manager: it deserializes creators,
 * validates their certificates against the organisation's CA and verifies their signatures.
 * Validated creators are cached by their bytes (a peer caches deserialized identities too),
 * since every transaction carries the same few certificates.
 */
export class Msp {
  private readonly ca: X509Certificate;
  private readonly cache = new Map<string, Deserialized>();

  constructor(
    readonly mspId: string,
    caCertPem: string,
  ) {
    this.ca = new X509Certificate(caCertPem);
  }

  deserialize(creator: Uint8Array): Deserialized {
    const cacheKey = Buffer.from(creator.buffer, creator.byteOffset, creator.byteLength).toString('latin1');
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const result = this.validate(creator);
    if (this.cache.size >= cacheLimit) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(cacheKey, result);
    return result;
  }

  verify(identity: Identity, message: Uint8Array, signature: Uint8Array): boolean {
    return signature.length > 0 && verifyLowS(message, signature, identity.publicKey);
  }

  /** Deserializes and checks signature in one step: the identity when both hold. */
  authenticate(creator: Uint8Array, message: Uint8Array, signature: Uint8Array): Identity | undefined {
    const result = this.deserialize(creator);
    return result.ok && this.verify(result.identity, message, signature) ? result.identity : undefined;
  }

  private validate(creator: Uint8Array): Deserialized {
    let mspId: string;
    let certPem: string;
    try {
      const serialized = msp.SerializedIdentity.deserializeBinary(creator);
      mspId = serialized.getMspid();
      certPem = Buffer.from(serialized.getIdBytes_asU8()).toString('utf8');
    } catch {
      return { ok: false };
    }
    if (mspId !== this.mspId) return { ok: false };
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certPem);
    } catch {
      return { ok: false };
    }
    const now = Date.now();
    const issuedByCa = certificate.checkIssued(this.ca) && certificate.verify(this.ca.publicKey);
    const current = Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);
    if (!issuedByCa || !current || certificate.ca) return { ok: false, mspId };
    const role = /^OU=(peer|client|admin|orderer)$/m.exec(certificate.subject)?.[1];
    return { ok: true, identity: { mspId, certPem, publicKey: certificate.publicKey, role } };
  }
}

/** The creator bytes of an identity: a `msp.SerializedIdentity` of its MSP id and PEM certificate. */
export function serializeIdentity(mspId: string, certPem: string): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certPem, 'utf8'));
  return identity.serializeBinary();
}
