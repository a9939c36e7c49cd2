// An api restarted under a subscriber: the client reconnects and re-subscribes on its own (as
// graphql-ws clients do), gets the command's current state first, even one it changed to while the
// api was down, and still gets the terminal status. Its own file, because it stops the pipeline's
// services in turn.
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Account, send, signUp } from './support/accounts.js';
import { followCommand } from './support/followCommand.js';
import { request, subscriptionClient } from './support/graphql.js';
import { Pipeline } from './support/pipeline.js';

const UPDATE_PROFILE = /* GraphQL */ `
  mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { commandId status profileId } }
`;

const waiting = { timeout: 30_000, interval: 25 };

let pipeline: Pipeline;
let user: Account;
const clients: Client[] = [];

beforeAll(async () => {
  pipeline = await Pipeline.start();
  user = await signUp(pipeline.apiUrl);
}, 180_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(pipeline.describe()));
});

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await pipeline?.destroy();
});

/** The command's status as stored, read straight from its row (the test's window on the outbox). */
async function storedStatus(commandId: string): Promise<string | undefined> {
  const [row] = await pipeline.database.sql<{ status: string }[]>`
    select status from commands where id = ${commandId}`;
  return row?.status;
}

describe('an api restart under a subscriber', () => {
  it('the re-subscribed client gets the current state first, then the terminal one', async () => {
    // held back, so the command waits ACCEPTED while the api runs
    await Promise.all([pipeline.stop('submitter'), pipeline.stop('projector')]);
    const receipt = await send(pipeline.apiUrl, UPDATE_PROFILE, { lastName: 'Restarted' }, user.accessToken);
    const client = subscriptionClient(pipeline.apiUrl, user.accessToken, { reconnect: true });
    clients.push(client);
    const followed = followCommand(client, receipt.commandId);
    await followed.started;
    expect(followed.states.map((s) => [s.status, s.connection])).toEqual([['ACCEPTED', 1]]);

    // while the api is down, the command moves on as far as the ledger: COMMITTED
    await pipeline.stop('api');
    await pipeline.start('submitter');
    await vi.waitUntil(async () => (await storedStatus(receipt.commandId)) === 'COMMITTED', waiting);
    await pipeline.start('api');
    await vi.waitUntil(() => followed.states.length > 1, waiting);
    expect(followed.states.at(-1)).toMatchObject({ status: 'COMMITTED', connection: 2 });

    await pipeline.start('projector');
    const states = await followed.done;
    expect(states.map((s) => [s.status, s.connection])).toEqual([
      ['ACCEPTED', 1],
      ['COMMITTED', 2],
      ['PROJECTED', 2],
    ]);

    // the restarted api serves the read model the projector wrote meanwhile
    const me = await request<{ me: { lastName: string } }>(
      pipeline.apiUrl,
      '{ me { lastName } }',
      {},
      user.accessToken,
    );
    expect(me.me.lastName).toBe('Restarted');
    // and a subscription opened now gets the terminal state at once, and completes
    const late = subscriptionClient(pipeline.apiUrl, user.accessToken);
    clients.push(late);
    expect((await followCommand(late, receipt.commandId).done).map((s) => s.status)).toEqual(['PROJECTED']);
  });
});
