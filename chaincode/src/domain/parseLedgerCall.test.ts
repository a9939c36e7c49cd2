import { describe, expect, it } from 'vitest';
import { hash, nextId } from '../testing/commands.js';
import { parseLedgerCall } from './parseLedgerCall.js';

describe('parseLedgerCall', () => {
  it('reads the command id, then the params in the order of ledgerFunctions', () => {
    const [commandId, from, to] = [nextId(), nextId(), nextId()];
    expect(parseLedgerCall('TRANSFER', [commandId, from, to, '12'])).toEqual({
      commandId,
      type: 'TRANSFER',
      args: { fromWalletId: from, toWalletId: to, amount: '12' },
    });
  });

  it("turns '' into null where the argument may be null", () => {
    const [commandId, profileId] = [nextId(), nextId()];
    expect(parseLedgerCall('REVIEW_KYC', [commandId, profileId, 'APPROVE', ''])).toMatchObject({
      args: { profileId, decision: 'APPROVE', reasonHash: null },
    });
  });

  it('refuses amounts that are not positive integer strings', () => {
    for (const amount of ['0', '-5', '1.5', '007', 'ten', '', '1'.repeat(31)]) {
      expect(() => parseLedgerCall('MINT', [nextId(), nextId(), amount])).toThrow(
        'invalid arguments to Mint: amount: must be a positive integer of at most 30 digits, as a string',
      );
    }
  });

  it('names every bad argument in one line', () => {
    expect(() => parseLedgerCall('REGISTER', ['x', nextId(), nextId(), 'XX', 'PERSON', hash('a')])).toThrow(
      'invalid arguments to CreateUser: commandId: Invalid UUID; country: must be an ISO 3166-1 alpha-2 country code (e.g. "DE"); accountType: Invalid option: expected one of "INDIVIDUAL"|"BUSINESS"',
    );
  });

  it("does not accept '' for an argument that may not be null", () => {
    expect(() => parseLedgerCall('SUBMIT_KYC', [nextId(), nextId(), 'PASSPORT', ''])).toThrow(
      'invalid arguments to SubmitKyc: documentHash: must be 64 lower-case hexadecimal characters',
    );
  });
});
