import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameArray, textArray, uuidArray } from './arrayLiterals.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('array literals', () => {
  it('textArray reaches PostgreSQL as the same strings, whatever they hold', async () => {
    const values = [
      'plain',
      'a "quoted" word',
      'back\\slash',
      'comma, brace {} and NULL',
      'NULL',
      '',
      ' spaced ',
    ];
    const [row] = await database.sql<{ values: string[] }[]>`select ${textArray(values)}::text[] as values`;
    expect(row!.values).toEqual(values);
  });

  it('nameArray reaches PostgreSQL as the same names, a null as NULL, and refuses anything else', async () => {
    const names = ['ACCEPTED', null, 'DEAD'];
    const [row] = await database.sql<{ same: boolean }[]>`
      select ${nameArray(names)}::text[] is not distinct from array['ACCEPTED', null, 'DEAD'] as same`;
    expect(row!.same).toBe(true);
    expect(() => nameArray(['accepted'])).toThrow('not a status name');
    expect(() => nameArray(['A,B'])).toThrow('not a status name');
    expect(() => nameArray(['NULL'])).toThrow('not a status name');
  });

  it('uuidArray refuses anything but uuids', () => {
    expect(() => uuidArray(['not-a-uuid'])).toThrow('not a uuid');
    // 36 characters of the right alphabet are not yet a uuid PostgreSQL reads
    expect(() => uuidArray(['-'.repeat(36)])).toThrow('not a uuid');
    expect(uuidArray(['0B7C4A8E-5A1F-4C1E-9D3E-2F6B8C9D0A1B'])).toBe(
      '{0B7C4A8E-5A1F-4C1E-9D3E-2F6B8C9D0A1B}',
    );
  });
});
