import { randomUUID } from 'node:crypto';
import * as tables from '@gx/db';
import { commands, notifyCommands, type Sql, userProfiles, wallets } from '@gx/db';
import type { TestDatabase } from '@gx/db/testing';
import { createLogger } from '@gx/runtime';
import type { CommandPayload } from '@gx/schema';
import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createServices, parseApiConfig, type RunningApi, resolveSettings, startApi } from '../index.js';
import type { Services } from '../services/context.js';

export const testSecrets = {
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
  GX_HMAC_KEY: 'test-hmac-key-0123456789abcdef0123456789ab',
};

/**
 * The services of an api over a test database, for calling them without GraphQL; `statements` are
 * those they sent through drizzle, in order. Close `limits` after use.
 */
export function testServices(database: TestDatabase): { services: Services; statements: string[] } {
  const statements: string[] = [];
  const db = drizzle(database.sql, {
    schema: tables,
    logger: { logQuery: (query) => void statements.push(query) },
  });
  const env = parseApiConfig({ NODE_ENV: 'test', ...testSecrets, BCRYPT_COST: '4' });
  const logger = createLogger({ service: 'test', level: 'silent', format: 'json' });
  return { services: createServices(resolveSettings(env), { ...database, db }, logger), statements };
}

/** The api in this process against a test database, on a free port, quiet, with cheap bcrypt. */
export function startTestApi(database: TestDatabase, env: Record<string, string> = {}): Promise<RunningApi> {
  return startApi({
    databaseUrl: database.url,
    env: {
      NODE_ENV: 'test',
      API_PORT: '0',
      API_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'json',
      BCRYPT_COST: '4',
      ADMIN_EMAILS: 'admin@example.com',
      ...testSecrets,
      ...env,
    },
  });
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
  };
}

/** One GraphQL request over HTTP POST. */
export async function gql<T = Record<string, unknown>>(
  api: RunningApi,
  query: string,
  variables?: Record<string, unknown>,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLResponse<T>['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 300)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

/** The data of a response that must have no errors. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.body.errors?.length) {
    throw new Error(`unexpected errors: ${JSON.stringify(response.body.errors)}`);
  }
  return response.body.data as T;
}

export function errorOf(response: GraphQLResponse<unknown>) {
  const error = response.body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(response.body)}`);
  return { message: error.message, ...(error.extensions ?? {}) } as {
    message: string;
    code?: string;
  } & Record<string, unknown>;
}

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) { commandId status profileId }
  }
`;

export const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken refreshToken expiresAt user { id email role } }
  }
`;

let counter = 0;

export function registration(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    email: `user${counter}-${randomUUID().slice(0, 8)}@example.com`,
    password: 'correct horse battery',
    firstName: 'Ada',
    lastName: 'Lovelace',
    country: 'GB',
    accountType: 'INDIVIDUAL',
    ...overrides,
  };
}

export interface Receipt {
  commandId: string;
  status: string;
  profileId: string;
}

export async function register(api: RunningApi, input: Record<string, unknown>): Promise<Receipt> {
  return dataOf(await gql<{ register: Receipt }>(api, REGISTER, { input })).register;
}

/**
 * Test fixture standing in for the projector: the read-model rows of a registration (profile and
 * wallet, from the command's payload) and the command moved to PROJECTED with a `gx_command` notice,
 * in one transaction, as the projector does.
 */
export async function projectRegistration(database: TestDatabase, commandId: string, balance = '0') {
  await database.db.transaction(async (tx) => {
    const [command] = await tx.select().from(commands).where(eq(commands.id, commandId));
    if (!command) throw new Error(`no command ${commandId}`);
    const p = command.payload as CommandPayload<'REGISTER'>;
    const now = new Date();
    await tx.insert(userProfiles).values({
      id: p.profileId,
      walletId: p.walletId,
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      country: p.country,
      accountType: p.accountType,
      profileHash: p.profileHash,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(wallets).values({ id: p.walletId, profileId: p.profileId, balance, updatedAt: now });
    await tx
      .update(commands)
      .set({ status: 'PROJECTED', projectedAt: now, updatedAt: now })
      .where(eq(commands.id, commandId));
    await notifyCommands(tx, [commandId]);
  });
}

/** Moves commands to `status` and sends the `gx_command` notice, as the submitter or projector does. */
export async function moveCommands(
  database: TestDatabase,
  ids: string[],
  status: string,
  extra: { [K in keyof typeof commands.$inferInsert]?: (typeof commands.$inferInsert)[K] | SQL } = {},
) {
  await database.db.transaction(async (tx) => {
    await tx
      .update(commands)
      .set({ status, updatedAt: sql`now()`, ...extra })
      .where(inArray(commands.id, ids));
    await notifyCommands(tx, ids);
  });
}

export interface Account {
  profileId: string;
  walletId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers, projects (fixture) and logs in an account. */
export async function signUp(
  api: RunningApi,
  database: TestDatabase,
  overrides: Record<string, unknown> = {},
): Promise<Account> {
  const input = registration(overrides);
  const receipt = await register(api, input);
  await projectRegistration(database, receipt.commandId);
  const login = dataOf(
    await gql<{ login: { accessToken: string; refreshToken: string } }>(api, LOGIN, {
      input: { email: input.email, password: input.password },
    }),
  ).login;
  const [profile] = await database.db
    .select({ walletId: userProfiles.walletId })
    .from(userProfiles)
    .where(eq(userProfiles.id, receipt.profileId));
  return {
    profileId: receipt.profileId,
    walletId: profile!.walletId,
    email: input.email as string,
    password: input.password as string,
    accessToken: login.accessToken,
    refreshToken: login.refreshToken,
  };
}

/** A graphql-ws client on the api's WebSocket. */
export function wsClient(api: RunningApi, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: `${api.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: true,
    retryAttempts: 0,
  });
}

export async function countRows(sqlClient: Sql, table: string): Promise<number> {
  const [row] = await sqlClient.unsafe(`select count(*)::int as n from ${table}`);
  return (row as unknown as { n: number }).n;
}

/** A node of `explain (analyze, format json)`'s plan, as far as counting rows goes. */
export interface PlanNode {
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** The rows of `explain (format json)`: one, holding the plan. */
export type ExplainRows = { 'QUERY PLAN': [{ Plan: PlanNode }] }[];

/** Every node of a plan, the root first. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}
