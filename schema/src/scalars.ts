import { z } from 'zod';
import { isCountryCode } from './countries.js';

/** Amounts are integers in the smallest unit, as decimal strings: positive, at most 30 digits. */
export const Amount = z
  .string()
  .regex(/^[1-9][0-9]{0,29}$/, 'must be a positive integer of at most 30 digits, as a string');

/** A balance may grow past 30 digits by accumulation; it is never negative. */
export const Balance = z.string().regex(/^(0|[1-9][0-9]*)$/, 'must be a non-negative integer string');

/** SHA-256 or HMAC-SHA-256, lower-case hex. */
export const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hexadecimal characters');

export const Uuid = z.uuid();

export const CountryCode = z
  .string()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code (e.g. "DE")');
