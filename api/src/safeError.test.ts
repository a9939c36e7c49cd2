import { credentials } from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from './graphqlJs.js';
import { safeError } from './safeError.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe('safeError', () => {
  it('logs a database error without its parameters or detail', async () => {
    const row = {
      profileId: '6f1c2f9e-4c1b-4f7e-9a57-3c1c1f0b9d11',
      email: 'ada.secret@example.com',
      passwordHash: 'x',
      registerCommandId: '6f1c2f9e-4c1b-4f7e-9a57-3c1c1f0b9d12',
    };
    await database.db.insert(credentials).values(row);
    const failure = await database.db
      .insert(credentials)
      .values({ ...row, profileId: '6f1c2f9e-4c1b-4f7e-9a57-3c1c1f0b9d13' })
      .catch((error: unknown) => error);
    const wrapped = new GraphQLError('Unexpected error.', { originalError: failure as Error });
    const logged = safeError(wrapped);
    expect(logged).toMatchObject({
      type: 'DatabaseError',
      code: '23505',
      constraint: 'credentials_email_idx',
    });
    expect(JSON.stringify(logged)).not.toContain('ada.secret');
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).toContain('ada.secret'); // it was there
  });

  it('logs other errors as they are', () => {
    expect(safeError(new TypeError('boom'))).toMatchObject({ type: 'TypeError', message: 'boom' });
  });
});
