import { randomUUID } from 'node:crypto';
import type { Db } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { graphqlPost } from './graphqlPost.js';
import { inFlight } from './officialClient.js';
import { projectBlock } from './projectBlock.js';

export interface ApiAccount {
  profileId: string;
  email: string;
  accessToken: string;
}

export const benchPassword = 'correct horse battery staple';

/** A registration nobody made before (`register` refuses a known e-mail). */
export const registrationInput = (tag: string) => ({
  email: `${tag}-${randomUUID()}@bench.example.com`,
  password: benchPassword,
  firstName: 'Bench',
  lastName: 'User',
  country: 'DE',
  accountType: 'INDIVIDUAL',
});

export const REGISTER =
  'mutation($input: RegisterInput!) { register(input: $input) { commandId profileId } }';
export const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { accessToken } }';

/**
 * Accounts made through the api: `register`, then the registrations projected by the projector's
 * own transaction (`projectBlock`, blocks of 500), then `login`.
 */
export async function createAccounts(
  graphqlUrl: string,
  db: Db,
  count: number,
  logger: Logger,
): Promise<ApiAccount[]> {
  const inputs = Array.from({ length: count }, () => registrationInput('user'));
  const receipts: { commandId: string; profileId: string }[] = [];
  await inFlight(count, 8, async (i) => {
    const data = await graphqlPost<{ register: { commandId: string; profileId: string } }>(
      graphqlUrl,
      REGISTER,
      {
        input: inputs[i],
      },
    );
    receipts[i] = data.register;
  });
  for (let i = 0; i < count; i += 500) {
    await projectBlock(
      db,
      receipts.slice(i, i + 500).map((r) => r.commandId),
      logger,
    );
  }
  const accounts: ApiAccount[] = [];
  await inFlight(count, 8, async (i) => {
    const { email, password } = inputs[i]!;
    const data = await graphqlPost<{ login: { accessToken: string } }>(graphqlUrl, LOGIN, {
      input: { email, password },
    });
    accounts[i] = { profileId: receipts[i]!.profileId, email, accessToken: data.login.accessToken };
  });
  return accounts;
}
