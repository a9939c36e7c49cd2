import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { decodeDerSignature, encodeDerSignature, signLowS, verifyLowS } from './ecdsa.js';

const order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const message = Buffer.from('proposal response payload and endorser');

describe('ECDSA as Fabric signs and verifies', () => {
  test('signatures are DER with S in the low half, and verify', () => {
    for (let i = 0; i < 20; i++) {
      const signature = signLowS(message, privateKey);
      const { s } = decodeDerSignature(signature)!;
      expect(BigInt(`0x${Buffer.from(s).toString('hex')}`) <= order / 2n).toBe(true);
      expect(verifyLowS(message, signature, publicKey)).toBe(true);
    }
  });

  test('a high-S twin of a valid signature is refused, as Fabric refuses malleated signatures', () => {
    const signature = signLowS(message, privateKey);
    const { r, s } = decodeDerSignature(signature)!;
    const high = order - BigInt(`0x${Buffer.from(s).toString('hex')}`);
    const twin = encodeDerSignature(r, Buffer.from(high.toString(16).padStart(64, '0'), 'hex'));
    expect(verifyLowS(message, encodeDerSignature(r, s), publicKey)).toBe(true);
    expect(verifyLowS(message, twin, publicKey)).toBe(false);
  });

  test('garbage, other messages and other keys do not verify', () => {
    const signature = sign('sha256', message, privateKey);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyLowS(Buffer.from('other'), signLowS(message, privateKey), publicKey)).toBe(false);
    expect(verifyLowS(message, signLowS(message, privateKey), other)).toBe(false);
    expect(verifyLowS(message, Buffer.from('not a signature'), publicKey)).toBe(false);
    expect(decodeDerSignature(Buffer.concat([signature, Buffer.from([0])]))).toBeUndefined();
  });
});
