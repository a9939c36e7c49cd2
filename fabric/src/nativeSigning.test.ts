import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { decodeDerSignature } from '@gx/runtime';
import { hash, signers } from '@hyperledger/fabric-gateway';
import { describe, expect, it } from 'vitest';
import { nativeSigning } from './nativeSigning.js';

const halfOrder = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n;
const message = Buffer.from('a proposal, as the client would sign it');

describe('nativeSigning', () => {
  it('signs a P-256 message natively: DER, low S, verifiable with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signing = nativeSigning(privateKey);
    expect(signing.hash).toBe(hash.none);
    for (let i = 0; i < 20; i++) {
      const signature = await signing.signer(signing.hash(message));
      const { s } = decodeDerSignature(signature)!;
      expect(BigInt(`0x${Buffer.from(s).toString('hex')}`) <= halfOrder).toBe(true);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
    }
  });

  it("signs what the client's default signer signs: the SHA-256 of the same message verifies both", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ours = await nativeSigning(privateKey).signer(message);
    const theirs = await signers.newPrivateKeySigner(privateKey)(
      createHash('sha256').update(message).digest(),
    );
    for (const signature of [ours, theirs]) {
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
    }
  });

  it("keeps the client's own signer and a digest for other curves", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const signing = nativeSigning(privateKey);
    expect(signing.hash).toBe(hash.sha384);
    const signature = await signing.signer(signing.hash(message));
    expect(verify('sha384', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
  });
});
