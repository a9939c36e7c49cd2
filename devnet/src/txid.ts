import { createHash } from 'node:crypto';

/** Fabric's transaction id: hex SHA-256 of the nonce followed by the creator's serialized identity. */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}
