/** One GraphQL operation over HTTP POST for a benchmark's set-up; throws on GraphQL errors. */
export async function graphqlPost<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors?.length) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}
