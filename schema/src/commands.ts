import { z } from 'zod';
import { AccountType, type CommandType, DocumentType, KycDecision } from './enums.js';
import { Amount, CountryCode, Hex64, Uuid } from './scalars.js';

/**
 * What a command row's `payload` holds: everything the mutation received except the password,
 * personal fields included. Only `ledgerArgs` of it ever reaches the chaincode.
 */
export const commandPayloads = {
  REGISTER: z.object({
    profileId: Uuid,
    walletId: Uuid,
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    country: CountryCode,
    accountType: AccountType,
    profileHash: Hex64,
  }),
  UPDATE_PROFILE: z.object({
    profileId: Uuid,
    firstName: z.string(),
    lastName: z.string(),
    country: CountryCode,
    profileHash: Hex64,
  }),
  SUBMIT_KYC: z.object({ profileId: Uuid, documentType: DocumentType, documentHash: Hex64 }),
  REVIEW_KYC: z.object({
    profileId: Uuid,
    decision: KycDecision,
    reason: z.string().nullable(),
    reasonHash: Hex64.nullable(),
  }),
  MINT: z.object({ toProfileId: Uuid, toWalletId: Uuid, amount: Amount }),
  TRANSFER: z.object({
    fromProfileId: Uuid,
    fromWalletId: Uuid,
    toProfileId: Uuid,
    toWalletId: Uuid,
    amount: Amount,
    memo: z.string().nullable(),
  }),
} satisfies Record<CommandType, z.ZodType>;

export type CommandPayload<T extends CommandType = CommandType> = z.infer<(typeof commandPayloads)[T]>;

/** The arguments each chaincode function takes after the command id: ids, codes, amounts and hashes only. */
export const ledgerArgs = {
  REGISTER: z.object({
    profileId: Uuid,
    walletId: Uuid,
    country: CountryCode,
    accountType: AccountType,
    profileHash: Hex64,
  }),
  UPDATE_PROFILE: z.object({ profileId: Uuid, country: CountryCode, profileHash: Hex64 }),
  SUBMIT_KYC: z.object({ profileId: Uuid, documentType: DocumentType, documentHash: Hex64 }),
  REVIEW_KYC: z.object({ profileId: Uuid, decision: KycDecision, reasonHash: Hex64.nullable() }),
  MINT: z.object({ toWalletId: Uuid, amount: Amount }),
  TRANSFER: z.object({ fromWalletId: Uuid, toWalletId: Uuid, amount: Amount }),
} satisfies Record<CommandType, z.ZodObject>;

export type LedgerArgs<T extends CommandType = CommandType> = z.infer<(typeof ledgerArgs)[T]>;

interface LedgerFunction<T extends CommandType> {
  contract: 'IdentityContract' | 'TokenomicsContract';
  name: string;
  /** Positional order of the arguments after the command id. */
  params: readonly (keyof LedgerArgs<T> & string)[];
}

/** Command type → chaincode function, as in the design's "Commands" table. */
export const ledgerFunctions: { [T in CommandType]: LedgerFunction<T> } = {
  REGISTER: {
    contract: 'IdentityContract',
    name: 'CreateUser',
    params: ['profileId', 'walletId', 'country', 'accountType', 'profileHash'],
  },
  UPDATE_PROFILE: {
    contract: 'IdentityContract',
    name: 'UpdateProfile',
    params: ['profileId', 'country', 'profileHash'],
  },
  SUBMIT_KYC: {
    contract: 'IdentityContract',
    name: 'SubmitKyc',
    params: ['profileId', 'documentType', 'documentHash'],
  },
  REVIEW_KYC: {
    contract: 'IdentityContract',
    name: 'ReviewKyc',
    params: ['profileId', 'decision', 'reasonHash'],
  },
  MINT: { contract: 'TokenomicsContract', name: 'Mint', params: ['toWalletId', 'amount'] },
  TRANSFER: {
    contract: 'TokenomicsContract',
    name: 'Transfer',
    params: ['fromWalletId', 'toWalletId', 'amount'],
  },
};

export const batchFunction = { contract: 'BatchContract', name: 'ApplyCommands' } as const;

/** The string arguments of a single-function call: command id first, then the params in order. A null is ''. */
export function toLedgerArgList<T extends CommandType>(
  type: T,
  commandId: string,
  args: LedgerArgs<T>,
): string[] {
  const params = ledgerFunctions[type].params;
  return [commandId, ...params.map((p) => (args[p] ?? '') as string)];
}

/** Picks the ledger arguments out of a full payload, so nothing personal can slip through. */
export function toLedgerArgs<T extends CommandType>(type: T, payload: CommandPayload<T>): LedgerArgs<T> {
  return ledgerArgs[type].parse(payload) as LedgerArgs<T>;
}

/** One entry of `BatchContract:ApplyCommands(commandsJson)`. */
export const BatchCommand = z.discriminatedUnion('type', [
  z.object({ commandId: Uuid, type: z.literal('REGISTER'), args: ledgerArgs.REGISTER }),
  z.object({ commandId: Uuid, type: z.literal('UPDATE_PROFILE'), args: ledgerArgs.UPDATE_PROFILE }),
  z.object({ commandId: Uuid, type: z.literal('SUBMIT_KYC'), args: ledgerArgs.SUBMIT_KYC }),
  z.object({ commandId: Uuid, type: z.literal('REVIEW_KYC'), args: ledgerArgs.REVIEW_KYC }),
  z.object({ commandId: Uuid, type: z.literal('MINT'), args: ledgerArgs.MINT }),
  z.object({ commandId: Uuid, type: z.literal('TRANSFER'), args: ledgerArgs.TRANSFER }),
]);
export type BatchCommand = z.infer<typeof BatchCommand>;
export const BatchCommands = z.array(BatchCommand).min(1);

/**
 * The ordering key of a command and the other keys it touches. No two ledger transactions in
 * flight share a key, so concurrent batches never collide on MVCC.
 */
export function commandKeys<T extends CommandType>(
  type: T,
  payload: CommandPayload<T>,
): { aggregateId: string; touches: string[] } {
  const p = payload as CommandPayload;
  switch (type) {
    case 'REGISTER': {
      const r = p as CommandPayload<'REGISTER'>;
      return { aggregateId: r.profileId, touches: [r.walletId] };
    }
    case 'UPDATE_PROFILE':
    case 'SUBMIT_KYC':
    case 'REVIEW_KYC':
      return { aggregateId: (p as { profileId: string }).profileId, touches: [] };
    case 'MINT':
      return { aggregateId: (p as CommandPayload<'MINT'>).toWalletId, touches: [] };
    case 'TRANSFER': {
      const t = p as CommandPayload<'TRANSFER'>;
      return { aggregateId: t.fromWalletId, touches: [t.toWalletId] };
    }
    default:
      throw new Error(`unknown command type ${String(type)}`);
  }
}
