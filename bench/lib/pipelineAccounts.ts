import { setTimeout as sleep } from 'node:timers/promises';
import type { Sql } from '@gx/db';
import { logInAll, registerAll, registrationInput } from './apiAccounts.js';
import { graphqlPost } from './graphqlPost.js';
import { inFlight } from './officialClient.js';

export interface FundedAccount {
  profileId: string;
  accessToken: string;
}

export interface FundedAccounts {
  admin: FundedAccount;
  users: FundedAccount[];
}

const MINT = 'mutation($input: MintInput!) { mint(input: $input) { commandId } }';

/**
 * Accounts made the way a client makes them, through the whole running pipeline: an admin (its
 * address must be in the api's ADMIN_EMAILS) and `count` users, each registered, projected, signed
 * in and given `balance` by the admin's mint.
 */
export async function fundedAccounts(
  graphqlUrl: string,
  sql: Sql,
  count: number,
  adminEmail: string,
  balance: string,
): Promise<FundedAccounts> {
  const inputs = [
    { ...registrationInput('admin'), email: adminEmail },
    ...Array.from({ length: count }, () => registrationInput('user')),
  ];
  const registered = await registerAll(graphqlUrl, inputs);
  await untilTerminal(
    sql,
    registered.map((r) => r.commandId),
    120_000,
  );
  const tokens = await logInAll(graphqlUrl, inputs);
  const accounts = registered.map((r, i) => ({ profileId: r.profileId, accessToken: tokens[i]! }));
  const [admin, ...users] = accounts as [FundedAccount, ...FundedAccount[]];
  const mints: string[] = [];
  await inFlight(users.length, 8, async (i) => {
    const data = await graphqlPost<{ mint: { commandId: string } }>(
      graphqlUrl,
      MINT,
      { input: { toProfileId: users[i]!.profileId, amount: balance } },
      admin.accessToken,
    );
    mints.push(data.mint.commandId);
  });
  await untilTerminal(sql, mints, 120_000);
  return { admin, users };
}

/** Waits until every command in `ids` is PROJECTED, REJECTED or DEAD; throws after `timeoutMs`. */
export async function untilTerminal(sql: Sql, ids: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ waiting: number }[]>`
      select count(*)::int as waiting from commands
      where id = any(${ids as string[]}::uuid[]) and status not in ('PROJECTED', 'REJECTED', 'DEAD')`;
    if (row!.waiting === 0) return;
    if (performance.now() > deadline)
      throw new Error(`${row!.waiting} of ${ids.length} commands not terminal`);
    await sleep(200);
  }
}
