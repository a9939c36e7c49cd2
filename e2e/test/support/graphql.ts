import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

/** One operation over HTTP POST, as a browser's fetch sends it; its data, or a throw on any error. */
export async function request<T>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let result: { data?: T | null; errors?: GraphQLError[] };
  try {
    result = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (HTTP ${response.status}): ${text.slice(0, 300)}`);
  }
  if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/**
 * A graphql-ws client on the api's WebSocket, with the token in `connection_init`. `reconnect`
 * makes it retry a lost socket every 200 ms, re-subscribing its active subscriptions as a browser
 * client does; otherwise a lost socket fails its subscriptions.
 */
export function subscriptionClient(
  apiUrl: string,
  token?: string,
  options: { reconnect?: boolean } = {},
): Client {
  const reconnect = options.reconnect ?? false;
  return createClient({
    url: `${apiUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
    lazy: true,
    retryAttempts: reconnect ? 150 : 0,
    retryWait: () => sleep(200),
    // a refused connection is an error event, not a close event: retry it too, the server is restarting
    shouldRetry: () => reconnect,
  });
}
