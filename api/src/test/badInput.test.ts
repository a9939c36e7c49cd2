import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../index.js';
import { type Account, countRows, gql, REGISTER, registration, signUp, startTestApi } from './helpers.js';

let database: TestDatabase;
let api: RunningApi;
let user: Account;
let other: Account;
let admin: Account;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database);
  [user, other, admin] = await Promise.all([
    signUp(api, database),
    signUp(api, database),
    signUp(api, database, { email: 'admin@example.com' }),
  ]);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

const MINT = 'mutation($input: MintInput!) { mint(input: $input) { commandId } }';
const TRANSFER = 'mutation($input: TransferInput!) { transfer(input: $input) { commandId } }';
const SUBMIT = 'mutation($input: SubmitKycInput!) { submitKyc(input: $input) { commandId } }';
const REVIEW = 'mutation($input: ReviewKycInput!) { reviewKyc(input: $input) { commandId } }';
const UPDATE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { commandId } }';

type Who = 'anonymous' | 'user' | 'admin';
interface Case {
  name: string;
  who: Who;
  query: string;
  variables: () => Record<string, unknown>;
  field: string;
}

const reg = (overrides: Record<string, unknown>) => () => ({ input: registration(overrides) });
const transfer = (overrides: Record<string, unknown>) => () => ({
  input: { toProfileId: other.profileId, amount: '10', ...overrides },
});
const mint = (overrides: Record<string, unknown>) => () => ({
  input: { toProfileId: user.profileId, amount: '10', ...overrides },
});

const cases: Case[] = [
  {
    name: 'a malformed e-mail',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ email: 'not-an-email' }),
    field: 'input.email',
  },
  {
    name: 'SQL injection as the e-mail',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ email: "x'); DROP TABLE commands;--@example.com" }),
    field: 'input.email',
  },
  {
    name: 'script injection as the e-mail',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ email: '<script>alert(1)</script>@example.com' }),
    field: 'input.email',
  },
  {
    name: 'a short password',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ password: 'short' }),
    field: 'input.password',
  },
  {
    name: 'a password past 72 bytes',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ password: 'é'.repeat(40) }),
    field: 'input.password',
  },
  {
    name: 'an empty first name',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ firstName: '   ' }),
    field: 'input.firstName',
  },
  {
    name: 'a huge last name',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ lastName: 'x'.repeat(20_000) }),
    field: 'input.lastName',
  },
  {
    name: 'script injection as a name',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ firstName: '<script>alert(1)</script>' }),
    field: 'input.firstName',
  },
  {
    name: 'a country name instead of a code',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ country: 'Germany' }),
    field: 'input.country',
  },
  {
    name: 'SQL injection as the country',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ country: "DE' OR '1'='1" }),
    field: 'input.country',
  },
  {
    name: 'an unknown enum value as a variable',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ accountType: 'ROOT' }),
    field: 'input.accountType',
  },
  {
    name: 'a missing required member',
    who: 'anonymous',
    query: REGISTER,
    variables: () => {
      const { email: _e, ...rest } = registration();
      return { input: rest };
    },
    field: 'input.email',
  },
  {
    name: 'an unknown member',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ role: 'ADMIN' }),
    field: 'input.role',
  },
  {
    name: 'an empty idempotency key',
    who: 'anonymous',
    query: REGISTER,
    variables: reg({ idempotencyKey: '' }),
    field: 'input.idempotencyKey',
  },
  {
    name: 'a negative amount',
    who: 'user',
    query: TRANSFER,
    variables: transfer({ amount: '-5' }),
    field: 'input.amount',
  },
  {
    name: 'a non-integer amount',
    who: 'user',
    query: TRANSFER,
    variables: transfer({ amount: '1.5' }),
    field: 'input.amount',
  },
  {
    name: 'a zero amount',
    who: 'admin',
    query: MINT,
    variables: mint({ amount: '0' }),
    field: 'input.amount',
  },
  {
    name: 'an amount in exponent notation',
    who: 'admin',
    query: MINT,
    variables: mint({ amount: '1e3' }),
    field: 'input.amount',
  },
  {
    name: 'an amount of 31 digits',
    who: 'admin',
    query: MINT,
    variables: mint({ amount: '1'.repeat(31) }),
    field: 'input.amount',
  },
  {
    name: 'an amount as a number',
    who: 'user',
    query: TRANSFER,
    variables: transfer({ amount: 5 }),
    field: 'input.amount',
  },
  {
    name: 'SQL injection as a profile id',
    who: 'user',
    query: TRANSFER,
    variables: transfer({ toProfileId: "1' OR '1'='1" }),
    field: 'input.toProfileId',
  },
  {
    name: 'a memo past 140 characters',
    who: 'user',
    query: TRANSFER,
    variables: transfer({ memo: 'm'.repeat(141) }),
    field: 'input.memo',
  },
  {
    name: 'an idempotency key past 128 characters',
    who: 'user',
    query: TRANSFER,
    variables: transfer({ idempotencyKey: 'k'.repeat(129) }),
    field: 'input.idempotencyKey',
  },
  {
    name: 'a document hash that is not SHA-256',
    who: 'user',
    query: SUBMIT,
    variables: () => ({ input: { documentType: 'PASSPORT', documentHash: 'abc' } }),
    field: 'input.documentHash',
  },
  {
    name: 'an unknown document type',
    who: 'user',
    query: SUBMIT,
    variables: () => ({ input: { documentType: 'SELFIE', documentHash: 'a'.repeat(64) } }),
    field: 'input.documentType',
  },
  {
    name: 'a review reason past 500 characters',
    who: 'admin',
    query: REVIEW,
    variables: () => ({ input: { profileId: user.profileId, decision: 'REJECT', reason: 'r'.repeat(501) } }),
    field: 'input.reason',
  },
  {
    name: 'a name with control characters',
    who: 'user',
    query: UPDATE,
    variables: () => ({ input: { firstName: 'Ada\u0000' } }),
    field: 'input.firstName',
  },
  {
    name: 'a page size past 100',
    who: 'user',
    query: 'query($n: Int) { transactions(first: $n) { edges { cursor } } }',
    variables: () => ({ n: 1000 }),
    field: 'first',
  },
  {
    name: 'a negative page size',
    who: 'user',
    query: 'query($n: Int) { commands(first: $n) { edges { cursor } } }',
    variables: () => ({ n: -1 }),
    field: 'first',
  },
  {
    name: 'a page size of the wrong type',
    who: 'user',
    query: 'query($n: Int) { commands(first: $n) { edges { cursor } } }',
    variables: () => ({ n: 'ten' }),
    field: 'n',
  },
  {
    name: 'a cursor from nowhere',
    who: 'user',
    query: '{ transactions(after: "garbage") { edges { cursor } } }',
    variables: () => ({}),
    field: 'after',
  },
  {
    name: 'SQL injection as a command id',
    who: 'user',
    query: 'query($id: ID!) { command(id: $id) { id } }',
    variables: () => ({ id: "'; DROP TABLE commands; --" }),
    field: 'id',
  },
  {
    name: 'a malformed profile id',
    who: 'admin',
    query: 'query($id: ID!) { user(id: $id) { id } }',
    variables: () => ({ id: '<script>' }),
    field: 'id',
  },
];

describe('bad input', () => {
  it.each(cases)('$name → BAD_USER_INPUT naming $field, nothing written', async (c) => {
    const before = [await countRows(database.sql, 'commands'), await countRows(database.sql, 'credentials')];
    const token = c.who === 'user' ? user.accessToken : c.who === 'admin' ? admin.accessToken : undefined;
    const response = await gql(api, c.query, c.variables(), token ? { token } : {});
    expect(response.status).toBeLessThan(500);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: c.field });
    expect([await countRows(database.sql, 'commands'), await countRows(database.sql, 'credentials')]).toEqual(
      before,
    );
  });

  it('stores SQL and markup in free text verbatim, as data', async () => {
    const memo = "'); DROP TABLE commands; -- <b>hi</b>";
    const response = await gql<{ transfer: { commandId: string } }>(api, TRANSFER, transfer({ memo })(), {
      token: user.accessToken,
    });
    const id = response.body.data?.transfer.commandId;
    const [row] = await database.sql<
      { memo: string }[]
    >`select payload->>'memo' as memo from commands where id = ${id!}`;
    expect(row?.memo).toBe(memo);
  });
});
