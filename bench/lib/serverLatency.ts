/**
 * The api's own view of a load's latency: its `http_request_duration_seconds` histogram for POST
 * /graphql, read from `/metrics` before and after. It starts when the api has parsed a request and
 * ends when the answer is written, so it leaves out what the load generator's latencies carry besides:
 * the load generator's own event loop and the sockets between, on the cores they share.
 */
export interface ServerLatency {
  /** Requests the api answered between the two readings. */
  count: number;
  /** Their share answered within 25 ms (a bucket bound of the histogram). */
  within25ms: number;
  /** The histogram's smallest bucket bound that at least 99 % of them stayed within, in ms. */
  p99AtMostMs: number;
}

/** Cumulative bucket counts by upper bound (seconds), `+Inf` as Infinity. */
export type Buckets = Map<number, number>;

const bucketLine = /^http_request_duration_seconds_bucket\{([^}]*)\}\s+(\S+)$/;

/** The POST /graphql buckets of the api's metrics text. */
export function graphqlBuckets(metricsText: string): Buckets {
  const buckets: Buckets = new Map();
  for (const line of metricsText.split('\n')) {
    const match = bucketLine.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    if (labels.method !== 'POST' || labels.route !== '/graphql') continue;
    buckets.set(labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le), Number(match[2]));
  }
  return buckets;
}

/** What the histogram gained between two readings. */
export function latencyBetween(before: Buckets, after: Buckets): ServerLatency {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const gained = (bound: number) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const count = gained(Number.POSITIVE_INFINITY);
  const p99Bound = bounds.find((bound) => gained(bound) >= 0.99 * count) ?? Number.POSITIVE_INFINITY;
  return {
    count,
    within25ms: count === 0 ? Number.NaN : gained(0.025) / count,
    p99AtMostMs: p99Bound * 1_000,
  };
}

/** Reads the api's POST /graphql histogram from its `/metrics`. */
export async function readGraphqlBuckets(apiPort: number): Promise<Buckets> {
  const response = await fetch(`http://127.0.0.1:${apiPort}/metrics`);
  return graphqlBuckets(await response.text());
}
