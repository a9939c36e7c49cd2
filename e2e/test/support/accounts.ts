import { randomUUID } from 'node:crypto';
import { followCommand, type ReceivedState } from './followCommand.js';
import { request, subscriptionClient } from './graphql.js';

export interface Receipt {
  commandId: string;
  status: string;
  profileId: string;
}

export interface Account {
  profileId: string;
  walletId: string;
  email: string;
  password: string;
  accessToken: string;
}

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) { register(input: $input) { commandId status profileId } }
`;

export const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken user { id email role } }
  }
`;

export function registrationInput(overrides: Record<string, unknown> = {}) {
  return {
    email: `user-${randomUUID()}@e2e.example.com`,
    password: 'correct horse battery',
    firstName: 'Ada',
    lastName: 'Lovelace',
    country: 'GB',
    accountType: 'INDIVIDUAL',
    ...overrides,
  };
}

/** A write mutation by `token`'s user; returns its receipt. */
export async function send(
  apiUrl: string,
  mutation: string,
  input: object,
  token?: string,
): Promise<Receipt> {
  const data = await request<Record<string, Receipt>>(apiUrl, mutation, { input }, token);
  return Object.values(data)[0]!;
}

/** Follows a command on a connection of its own until the server completes the subscription; throws unless it ends at `expected`. */
export async function untilTerminal(
  apiUrl: string,
  commandId: string,
  token?: string,
  expected = 'PROJECTED',
): Promise<ReceivedState[]> {
  const client = subscriptionClient(apiUrl, token);
  try {
    const states = await followCommand(client, commandId).done;
    const last = states.at(-1);
    if (last?.status !== expected) {
      throw new Error(`command ${commandId} ended ${JSON.stringify(last)}, not ${expected}`);
    }
    return states;
  } finally {
    await client.dispose();
  }
}

/** Registers through the pipeline, waits for PROJECTED and logs in. */
export async function signUp(apiUrl: string, overrides: Record<string, unknown> = {}): Promise<Account> {
  const input = registrationInput(overrides);
  const receipt = await send(apiUrl, REGISTER, input);
  await untilTerminal(apiUrl, receipt.commandId);
  return logIn(apiUrl, receipt.profileId, input.email, input.password);
}

/** Logs a projected registration in and reads its wallet. */
export async function logIn(
  apiUrl: string,
  profileId: string,
  email: string,
  password: string,
): Promise<Account> {
  const { login } = await request<{ login: { accessToken: string } }>(apiUrl, LOGIN, {
    input: { email, password },
  });
  const { wallet } = await request<{ wallet: { id: string } }>(
    apiUrl,
    '{ wallet { id } }',
    {},
    login.accessToken,
  );
  return { profileId, walletId: wallet.id, email, password, accessToken: login.accessToken };
}
