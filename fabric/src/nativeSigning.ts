import type { KeyObject } from 'node:crypto';
import { signLowS } from '@gx/runtime';
import { type Hash, hash, type Signer, signers } from '@hyperledger/fabric-gateway';

/**
 * The client's signing for a private key: for a P-256 key, Node's own ECDSA (OpenSSL) with S
 * normalised to the low half as Fabric requires, given the whole message (`hash.none`) to hash
 * itself. The client's default signer for such a key is pure JavaScript (@noble/curves), about
 * 1 ms of CPU per signature here against 0.05 ms, and the client signs three times per transaction
 * (proposal, envelope, commit-status request). Any other key keeps the client's own signer.
 */
export function nativeSigning(key: KeyObject): { hash: Hash; signer: Signer } {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { hash: hash.none, signer: async (message) => signLowS(message, key) };
  }
  if (key.asymmetricKeyType === 'ed25519')
    return { hash: hash.none, signer: signers.newPrivateKeySigner(key) };
  return {
    hash: key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? hash.sha384 : hash.sha256,
    signer: signers.newPrivateKeySigner(key),
  };
}
