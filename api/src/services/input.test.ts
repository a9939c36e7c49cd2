import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../errors.js';
import { isAddrSpec, Password, parseInput, RegisterInput } from './input.js';

describe('input rules', () => {
  it.each([
    'ada@example.com',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.ie",
    '"quoted local"@example.com',
    'user@[192.0.2.1]',
    'user@localhost',
  ])('takes %s as an RFC 5322 addr-spec', (address) => {
    expect(isAddrSpec(address)).toBe(true);
  });

  it.each([
    'plain',
    '@example.com',
    'ada@',
    'two..dots@example.com',
    '.lead@example.com',
    'ada@example.com.',
    'with space@example.com',
    'ada@exa mple.com',
    '<script>@example.com',
    `${'a'.repeat(250)}@example.com`,
  ])('refuses %s', (address) => {
    expect(isAddrSpec(address)).toBe(false);
  });

  it('measures passwords in UTF-8 bytes: 10 to 72', () => {
    expect(Password.safeParse('a'.repeat(10)).success).toBe(true);
    expect(Password.safeParse('a'.repeat(72)).success).toBe(true);
    expect(Password.safeParse('a'.repeat(73)).success).toBe(false);
    expect(Password.safeParse('é'.repeat(36)).success).toBe(true); // 72 bytes
    expect(Password.safeParse('é'.repeat(37)).success).toBe(false); // 74 bytes
    expect(Password.safeParse('é'.repeat(4)).success).toBe(false); // 8 bytes
  });

  it('names the first offending field', () => {
    const input = {
      email: 'ada@example.com',
      password: 'long enough password',
      firstName: 'Ada',
      lastName: 'x'.repeat(101),
      country: 'GB',
      accountType: 'INDIVIDUAL',
    };
    expect(() => parseInput(RegisterInput, input)).toThrow(BadUserInputError);
    try {
      parseInput(RegisterInput, input);
    } catch (error) {
      expect((error as BadUserInputError).field).toBe('input.lastName');
      expect((error as BadUserInputError).extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'input.lastName',
      });
    }
  });
});
