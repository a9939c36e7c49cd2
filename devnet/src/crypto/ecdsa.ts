import { type KeyObject, sign, verify } from 'node:crypto';

/** Order of the P-256 group. Fabric accepts only "low-S" signatures (s ≤ n/2), as Bitcoin does, against malleability. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = P256_ORDER >> 1n;

/** An ECDSA P-256 / SHA-256 signature in DER, with S normalised to the low half as Fabric's BCCSP does. */
export function signLowS(message: Uint8Array, key: KeyObject): Buffer {
  const raw = sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
  const r = bytesToBigInt(raw.subarray(0, 32));
  let s = bytesToBigInt(raw.subarray(32));
  if (s > P256_HALF_ORDER) s = P256_ORDER - s;
  return encodeDerSignature(r, s);
}

/** Verifies like Fabric's BCCSP: the signature must be valid DER, low-S, and match the key. */
export function verifyLowS(message: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  const parsed = decodeDerSignature(signature);
  if (!parsed || parsed.s > P256_HALF_ORDER || parsed.s === 0n || parsed.r === 0n) return false;
  try {
    return verify('sha256', message, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

export function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const rBytes = derInteger(r);
  const sBytes = derInteger(s);
  const body = Buffer.concat([rBytes, sBytes]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Parses SEQUENCE { INTEGER r, INTEGER s } in strict DER; anything else is not a signature. */
export function decodeDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readDerInteger(der, 2);
  if (!r) return undefined;
  const s = readDerInteger(der, r.next);
  if (!s || s.next !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function readDerInteger(der: Uint8Array, at: number): { value: bigint; next: number } | undefined {
  if (der[at] !== 0x02) return undefined;
  const length = der[at + 1];
  if (length === undefined || length === 0 || length > 33) return undefined;
  const start = at + 2;
  const end = start + length;
  if (end > der.length) return undefined;
  const first = der[start]!;
  if (first & 0x80) return undefined;
  if (first === 0 && length > 1 && !(der[start + 1]! & 0x80)) return undefined;
  return { value: bytesToBigInt(der.subarray(start, end)), next: end };
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}
