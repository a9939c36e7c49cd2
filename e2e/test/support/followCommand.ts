import type { Client } from 'graphql-ws';
import type { GraphQLError } from './graphql.js';

export interface CommandState {
  id: string;
  type: string;
  status: string;
  fabricTxId: string | null;
  blockNumber: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** A state as the client received it, with when (`performance.now()`) and on which connection. */
export interface ReceivedState extends CommandState {
  receivedAt: number;
  connection: number;
}

const COMMAND_STATUS = /* GraphQL */ `
  subscription Follow($id: ID!) {
    commandStatus(id: $id) { id type status fabricTxId blockNumber errorCode errorMessage }
  }
`;

export interface FollowedCommand {
  /** Every state received so far, in order of arrival. */
  states: ReceivedState[];
  /** Resolves when the first state arrives. */
  started: Promise<void>;
  /** Resolves with every state once the server completes the subscription; rejects on an error result. */
  done: Promise<ReceivedState[]>;
}

/**
 * Subscribes to `commandStatus(id)` and records what arrives. `connection` counts the connections
 * the client made since (its `connected` event), so a test can tell the states received after a
 * reconnect.
 */
export function followCommand(client: Client, id: string): FollowedCommand {
  let connection = 0;
  const unlisten = client.on('connected', () => {
    connection++;
  });
  const states: ReceivedState[] = [];
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const done = new Promise<ReceivedState[]>((resolve, reject) => {
    client.subscribe<{ commandStatus: CommandState }>(
      { query: COMMAND_STATUS, variables: { id } },
      {
        next: (result) => {
          if (result.errors?.length) {
            reject(new Error(`commandStatus(${id}): ${JSON.stringify(result.errors)}`));
            return;
          }
          if (result.data) {
            states.push({ ...result.data.commandStatus, receivedAt: performance.now(), connection });
          }
          markStarted();
        },
        error: (error) => reject(describeError(id, error)),
        complete: () => resolve(states),
      },
    );
  });
  done.then(unlisten, unlisten);
  return { states, started, done };
}

function describeError(id: string, error: unknown): Error {
  if (error instanceof Error) return error;
  if (Array.isArray(error)) {
    const messages = (error as GraphQLError[]).map((e) => `${e.extensions?.code ?? ''} ${e.message}`);
    return new Error(`commandStatus(${id}) refused: ${messages.join('; ')}`);
  }
  const close = error as { code?: number; reason?: string };
  return new Error(`commandStatus(${id}): socket closed (${close.code ?? '?'} ${close.reason ?? ''})`);
}
