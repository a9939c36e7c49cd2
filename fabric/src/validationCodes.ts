import { peer } from '@hyperledger/fabric-protos';

const names = new Map(Object.entries(peer.TxValidationCode).map(([name, code]) => [code as number, name]));

export const validationCode = {
  VALID: peer.TxValidationCode.VALID,
  DUPLICATE_TXID: peer.TxValidationCode.DUPLICATE_TXID,
  MVCC_READ_CONFLICT: peer.TxValidationCode.MVCC_READ_CONFLICT,
  PHANTOM_READ_CONFLICT: peer.TxValidationCode.PHANTOM_READ_CONFLICT,
} as const;

export function validationCodeName(code: number): string {
  return names.get(code) ?? `UNKNOWN_${code}`;
}
