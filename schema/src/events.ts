import { z } from 'zod';
import { AccountType, DocumentType, KycDecision } from './enums.js';
import { Amount, Balance, CountryCode, Hex64, Uuid } from './scalars.js';

export const UserCreated = z.object({
  commandId: Uuid,
  profileId: Uuid,
  walletId: Uuid,
  country: CountryCode,
  accountType: AccountType,
  profileHash: Hex64,
});
export const ProfileUpdated = z.object({
  commandId: Uuid,
  profileId: Uuid,
  country: CountryCode,
  profileHash: Hex64,
});
export const KycSubmitted = z.object({
  commandId: Uuid,
  profileId: Uuid,
  documentType: DocumentType,
  documentHash: Hex64,
});
export const KycReviewed = z.object({
  commandId: Uuid,
  profileId: Uuid,
  decision: KycDecision,
  reasonHash: Hex64.nullable(),
});
/** Carries the resulting balances, so applying it twice sets the same numbers. A mint has no sender. */
export const TransferCompleted = z.object({
  commandId: Uuid,
  fromWalletId: Uuid.nullable(),
  toWalletId: Uuid,
  amount: Amount,
  fromBalance: Balance.nullable(),
  toBalance: Balance,
});

export const domainEvents = { UserCreated, ProfileUpdated, KycSubmitted, KycReviewed, TransferCompleted };
export type DomainEventName = keyof typeof domainEvents;
export const domainEventNames = Object.keys(domainEvents) as DomainEventName[];

export type DomainEvent = {
  [N in DomainEventName]: { name: N; payload: z.infer<(typeof domainEvents)[N]> };
}[DomainEventName];

export const DomainEventSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('UserCreated'), payload: UserCreated }),
  z.object({ name: z.literal('ProfileUpdated'), payload: ProfileUpdated }),
  z.object({ name: z.literal('KycSubmitted'), payload: KycSubmitted }),
  z.object({ name: z.literal('KycReviewed'), payload: KycReviewed }),
  z.object({ name: z.literal('TransferCompleted'), payload: TransferCompleted }),
]);

export const commandOutcomes = ['APPLIED', 'REJECTED', 'ALREADY_APPLIED'] as const;
export const CommandOutcome = z.enum(commandOutcomes);
export type CommandOutcome = z.infer<typeof CommandOutcome>;

/**
 * The outcome of one command on the ledger: the return value of a single function and one entry
 * of a batch's `CommandsApplied`. APPLIED carries its domain event; REJECTED its reason.
 * A repeated command id answers its first outcome: ALREADY_APPLIED (no event) when it was applied,
 * REJECTED with the first reason when it was refused.
 */
export const CommandResult = z.discriminatedUnion('outcome', [
  z.object({ commandId: Uuid, outcome: z.literal('APPLIED'), event: DomainEventSchema }),
  z.object({ commandId: Uuid, outcome: z.literal('REJECTED'), reason: z.string() }),
  z.object({ commandId: Uuid, outcome: z.literal('ALREADY_APPLIED') }),
]);
export type CommandResult = z.infer<typeof CommandResult>;

export const CommandsApplied = z.object({ results: z.array(CommandResult) });
export type CommandsApplied = z.infer<typeof CommandsApplied>;

/**
 * What a transaction's result says of one command: its outcome, REJECTED with its reason, and not
 * its domain event, which the transaction's chaincode event carries (a batch's result once held
 * the events too: a fifth of its envelope, stored, sent and parsed for nothing). Parsing a
 * `CommandResult` as one leaves its event out.
 */
export const CommandVerdict = z.discriminatedUnion('outcome', [
  z.object({ commandId: Uuid, outcome: z.literal('APPLIED') }),
  z.object({ commandId: Uuid, outcome: z.literal('REJECTED'), reason: z.string() }),
  z.object({ commandId: Uuid, outcome: z.literal('ALREADY_APPLIED') }),
]);
export type CommandVerdict = z.infer<typeof CommandVerdict>;

/**
 * `BatchContract:ApplyCommands`' result: a verdict per command, in order. Parsing a batch's
 * `CommandsApplied` as one gives it.
 */
export const BatchVerdicts = z.object({ results: z.array(CommandVerdict) });
export type BatchVerdicts = z.infer<typeof BatchVerdicts>;

export const batchEventName = 'CommandsApplied';
