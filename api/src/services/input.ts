import { AccountType, Amount, DocumentType, isCountryCode, KycDecision, Uuid } from '@gx/schema';
import { z } from 'zod';
import { BadUserInputError } from '../errors.js';

// The design's input rules (GraphQL contract, "Input rules"), one schema per mutation input.

const atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const dotAtom = `${atext}+(?:\\.${atext}+)*`;
const quotedString = '"(?:[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\x20-\\x7E])*"';
const domainLiteral = '\\[[\\x21-\\x5A\\x5E-\\x7E]*\\]';
const addrSpec = new RegExp(`^(?:${dotAtom}|${quotedString})@(?:${dotAtom}|${domainLiteral})$`);

/** RFC 5322 addr-spec without the obsolete forms, comments or folding white space; at most 254 characters. */
export function isAddrSpec(value: string): boolean {
  return value.length <= 254 && addrSpec.test(value);
}

const characters = (s: string) => [...s].length;

/** C0 and C1 control characters (and DEL); tab and line feed only where `allowLines`. */
function hasControlCharacter(s: string, allowLines = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (allowLines && (c === 9 || c === 10)) continue;
    if (c < 32 || (c >= 127 && c < 160)) return true;
  }
  return false;
}

export const Email = z.string().refine(isAddrSpec, 'must be an e-mail address (RFC 5322 addr-spec)');

/** bcrypt reads 72 bytes; a longer password is refused rather than silently truncated. */
export const Password = z.string().refine((s) => {
  const bytes = Buffer.byteLength(s, 'utf8');
  return bytes >= 10 && bytes <= 72;
}, 'must be 10 to 72 bytes long (UTF-8)');

/** A person's or a company's name: 1–100 characters, no control characters and no markup brackets. */
export const Name = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => characters(s) >= 1 && characters(s) <= 100, 'must be 1 to 100 characters')
  .refine((s) => !hasControlCharacter(s) && !/[<>]/.test(s), 'must not contain control characters, < or >');

export const Country = z
  .string()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in capitals (e.g. "DE")');

/** SHA-256 of the document, 64 hexadecimal characters (either case; stored lower-case). */
export const DocumentHash = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 digest: 64 hexadecimal characters')
  .transform((s) => s.toLowerCase());

export const AmountInput = Amount;

const freeText = (max: number) =>
  z
    .string()
    .refine((s) => characters(s) <= max, `must be at most ${max} characters`)
    .refine((s) => !hasControlCharacter(s, true), 'must not contain control characters');

export const Memo = freeText(140);
export const Reason = freeText(500).refine((s) => s.trim().length > 0, 'must not be blank');

export const IdempotencyKey = z
  .string()
  .refine((s) => characters(s) >= 1 && characters(s) <= 128, 'must be 1 to 128 characters');

const id = z.string().refine((s) => Uuid.safeParse(s).success, 'must be a UUID');

export const RegisterInput = z.object({
  email: Email,
  password: Password,
  firstName: Name,
  lastName: Name,
  country: Country,
  accountType: AccountType,
});
export type RegisterInput = z.infer<typeof RegisterInput>;

export const LoginInput = z.object({
  email: z.string().refine((s) => s.length <= 254, 'must be at most 254 characters'),
  password: z.string().refine((s) => s.length <= 1_000, 'must be at most 1000 characters'),
});

export const UpdateProfileInput = z
  .object({
    firstName: Name.nullish(),
    lastName: Name.nullish(),
    country: Country.nullish(),
  })
  .refine((v) => v.firstName != null || v.lastName != null || v.country != null, {
    message: 'give at least one of firstName, lastName and country',
  });

export const SubmitKycInput = z.object({ documentType: DocumentType, documentHash: DocumentHash });

export const ReviewKycInput = z
  .object({ profileId: id, decision: KycDecision, reason: Reason.nullish() })
  .refine((v) => v.decision !== 'REJECT' || v.reason != null, {
    message: 'is required when the decision is REJECT',
    path: ['reason'],
  });

export const MintInput = z.object({ toProfileId: id, amount: AmountInput });

export const TransferInput = z.object({ toProfileId: id, amount: AmountInput, memo: Memo.nullish() });

export const PageArgs = z.object({
  first: z
    .number()
    .int()
    .min(0, 'must be from 0 to 100')
    .max(100, 'must be from 0 to 100')
    .nullish()
    .transform((v) => v ?? 20),
  after: z.string().max(200, 'is not a cursor from this list').nullish(),
});

/** Parses `value` or throws BAD_USER_INPUT naming the first offending field, as `prefix.path`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix = 'input'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new BadUserInputError(field || prefix, issue.message);
}

/** A UUID argument such as `command(id:)`; anything else is BAD_USER_INPUT naming the argument. */
export function parseId(value: string, field: string): string {
  if (!Uuid.safeParse(value).success) throw new BadUserInputError(field, 'must be a UUID');
  return value;
}

export function parseIdempotencyKey(value: string | null | undefined, field = 'input.idempotencyKey') {
  if (value == null) return undefined;
  return parseInput(IdempotencyKey, value, field);
}
