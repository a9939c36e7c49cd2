import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textArray, uuidArray } from './arrayLiterals.js';
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

  it('uuidArray refuses anything but uuids', () => {
    expect(() => uuidArray(['not-a-uuid'])).toThrow('not a uuid');
  });
});
