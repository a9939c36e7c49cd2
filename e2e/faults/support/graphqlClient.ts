import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A mutation's answer: its receipt, a refusal to report, or a fault to retry after `waitMs`. */
export type MutationAnswer =
  | { kind: 'receipt'; receipt: { commandId: string; status: string; profileId: string } }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'fault'; reason: string; waitMs: number };

const retryAfterFaultMs = 500;

/**
 * One write over HTTP, telling a refusal (the api said no: the load is wrong) from a fault (no
 * answer, a 5xx, an internal error while the database is away: the same request may be sent again,
 * and its idempotency key makes that safe).
 */
export async function sendMutation(
  apiUrl: string,
  mutation: string,
  input: object,
  token?: string,
): Promise<MutationAnswer> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: mutation, variables: { input } }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    return { kind: 'fault', reason: (error as Error).message, waitMs: retryAfterFaultMs };
  }
  const text = await response.text().catch(() => '');
  let result: {
    data?: Record<string, { commandId: string; status: string; profileId: string }> | null;
    errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[];
  };
  try {
    result = JSON.parse(text);
  } catch {
    return {
      kind: 'fault',
      reason: `HTTP ${response.status}: ${text.slice(0, 100)}`,
      waitMs: retryAfterFaultMs,
    };
  }
  const error = result.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'NO_CODE';
    if (code === 'RATE_LIMITED') {
      return { kind: 'fault', reason: code, waitMs: (error.extensions?.retryAfter ?? 1) * 1000 };
    }
    if (code === 'INTERNAL_SERVER_ERROR' || response.status >= 500) {
      return { kind: 'fault', reason: `${code}: ${error.message}`, waitMs: retryAfterFaultMs };
    }
    return { kind: 'refused', code, message: error.message };
  }
  const receipt = result.data ? Object.values(result.data)[0] : undefined;
  if (!receipt)
    return { kind: 'fault', reason: `no data (HTTP ${response.status})`, waitMs: retryAfterFaultMs };
  return { kind: 'receipt', receipt };
}

/** A graphql-ws client and how often its socket came up and went down. */
export interface FollowingClient {
  client: Client;
  connections: () => number;
  closures: () => number;
}

/**
 * A graphql-ws client that behaves as a browser's should: it keeps its socket open and, when the
 * socket dies, reconnects every 250 ms for as long as a scenario's outage may last and re-subscribes
 * its active subscriptions (the server then sends the current state first).
 */
export function followingClient(apiUrl: string, token?: string): FollowingClient {
  let connections = 0;
  let closures = 0;
  const client = createClient({
    url: `${apiUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
    lazy: false,
    retryAttempts: 2_400,
    retryWait: () => sleep(250),
    // a refused connection is an error event, not a close event: retry it too, the server is restarting
    shouldRetry: () => true,
    onNonLazyError: () => {},
    on: {
      connected: () => {
        connections++;
      },
      closed: () => {
        closures++;
      },
    },
  });
  return { client, connections: () => connections, closures: () => closures };
}
