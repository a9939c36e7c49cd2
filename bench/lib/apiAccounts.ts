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

const benchPassword = 'correct horse battery staple';

/** A registration nobody made before (`register` refuses a known e-mail). */
export const registrationInput = (tag: string) => ({
  email: `${tag}-${randomUUID()}@bench.example.com`,
  password: benchPassword,
  firstName: 'Bench',
  lastName: 'User',
  country: 'DE',
  accountType: 'INDIVIDUAL',
});

const REGISTER = 'mutation($input: RegisterInput!) { register(input: $input) { commandId profileId } }';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { accessToken } }';

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
  const receipts = await registerAll(graphqlUrl, inputs);
  for (let i = 0; i < count; i += 500) {
    await projectBlock(
      db,
      receipts.slice(i, i + 500).map((r) => r.commandId),
      logger,
    );
  }
  const tokens = await logInAll(graphqlUrl, inputs);
  return inputs.map(({ email }, i) => ({
    profileId: receipts[i]!.profileId,
    email,
    accessToken: tokens[i]!,
  }));
}

type RegistrationInput = ReturnType<typeof registrationInput>;

/** `register` for every input, 8 at a time; the receipts in the inputs' order. */
export async function registerAll(
  graphqlUrl: string,
  inputs: readonly RegistrationInput[],
): Promise<{ commandId: string; profileId: string }[]> {
  const receipts: { commandId: string; profileId: string }[] = [];
  await inFlight(inputs.length, 8, async (i) => {
    const data = await graphqlPost<{ register: { commandId: string; profileId: string } }>(
      graphqlUrl,
      REGISTER,
      { input: inputs[i] },
    );
    receipts[i] = data.register;
  });
  return receipts;
}

/** `login` for every (projected) registration, 8 at a time; the access tokens in the inputs' order. */
export async function logInAll(graphqlUrl: string, inputs: readonly RegistrationInput[]): Promise<string[]> {
  const tokens: string[] = [];
  await inFlight(inputs.length, 8, async (i) => {
    const { email, password } = inputs[i]!;
    const data = await graphqlPost<{ login: { accessToken: string } }>(graphqlUrl, LOGIN, {
      input: { email, password },
    });
    tokens[i] = data.login.accessToken;
  });
  return tokens;
}
