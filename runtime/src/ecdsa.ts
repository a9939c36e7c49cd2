import { type KeyObject, sign, verify } from 'node:crypto';

/** Order of the P-256 group, and half of it: Fabric accepts only "low-S" signatures (s ≤ n/2), against malleability. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = Buffer.from(
  '7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8',
  'hex',
);

/** An ECDSA P-256 / SHA-256 signature in DER, with S normalised to the low half as Fabric's BCCSP does. */
export function signLowS(message: Uint8Array, key: KeyObject): Buffer {
  const raw = sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
  const r = raw.subarray(0, 32);
  let s: Uint8Array = raw.subarray(32);
  if (Buffer.compare(s, P256_HALF_ORDER) > 0)
    s = bigIntToBytes(P256_ORDER - BigInt(`0x${Buffer.from(s).toString('hex')}`), 32);
  return encodeDerSignature(r, s);
}

/** Verifies like Fabric's BCCSP: the signature must be valid DER, low-S, and match the key. */
export function verifyLowS(message: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  const parsed = decodeDerSignature(signature);
  if (!parsed || isZero(parsed.r) || isZero(parsed.s) || compareUnsigned(parsed.s, P256_HALF_ORDER) > 0)
    return false;
  try {
    return verify('sha256', message, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` from the big-endian unsigned values. */
export function encodeDerSignature(r: Uint8Array, s: Uint8Array): Buffer {
  const rInt = derInteger(r);
  const sInt = derInteger(s);
  return Buffer.concat([Buffer.from([0x30, rInt.length + sInt.length]), rInt, sInt]);
}

/** Parses strict DER; the integers come back as their big-endian bytes without sign padding. */
export function decodeDerSignature(der: Uint8Array): { r: Uint8Array; s: Uint8Array } | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readDerInteger(der, 2);
  if (!r) return undefined;
  const s = readDerInteger(der, r.next);
  if (!s || s.next !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function readDerInteger(der: Uint8Array, at: number): { value: Uint8Array; next: number } | undefined {
  if (der[at] !== 0x02) return undefined;
  const length = der[at + 1];
  if (length === undefined || length === 0 || length > 33) return undefined;
  const start = at + 2;
  const end = start + length;
  if (end > der.length) return undefined;
  const first = der[start]!;
  if (first & 0x80) return undefined;
  if (first === 0 && length > 1 && !(der[start + 1]! & 0x80)) return undefined;
  return { value: der.subarray(first === 0 && length > 1 ? start + 1 : start, end), next: end };
}

function derInteger(value: Uint8Array): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const digits = value.subarray(start);
  const pad = digits[0]! & 0x80 ? 1 : 0;
  const out = Buffer.alloc(2 + pad + digits.length);
  out[0] = 0x02;
  out[1] = pad + digits.length;
  out.set(digits, 2 + pad);
  return out;
}

/** Compares unsigned big-endian integers of any byte length. */
function compareUnsigned(a: Uint8Array, b: Uint8Array): number {
  const trim = (x: Uint8Array) => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    return x.subarray(i);
  };
  const [x, y] = [trim(a), trim(b)];
  return x.length === y.length ? Buffer.compare(x, y) : x.length - y.length;
}

function isZero(value: Uint8Array): boolean {
  return value.every((byte) => byte === 0);
}

function bigIntToBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}
