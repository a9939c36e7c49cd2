import { type Agent, request } from 'node:http';
import { type Answer, graphqlPostHeaders, KeepAliveConnection, requestText } from './keepAliveConnection.js';
import { type Summary, summarize } from './stats.js';

export interface HttpLoadOptions {
  /** The endpoint, e.g. `http://127.0.0.1:4000/graphql`; every request is a POST to it. */
  url: string;
  /** Keep-alive connections, each with one request in flight at a time. */
  connections: number;
  /** Measured time, after the warm-up. */
  durationMs: number;
  /** Requests sent before measuring (connections opened, code paths warm); not counted. */
  warmupMs: number;
  /**
   * Requests per second over all connections: requests are then due on a fixed schedule and each
   * latency counts from when its request was due, so a stall is not hidden by the requests it held
   * back. Unset: every connection sends its next request as soon as the last one answered.
   */
  rate?: number;
  /** The JSON body and extra headers of the `i`-th request. */
  request: (i: number) => { body: string; headers?: Record<string, string> };
  /** Whether an answer counts as a success; by default HTTP 200 without GraphQL `errors`. */
  ok?: (status: number, body: string) => boolean;
}

export interface HttpLoadResult {
  /** Answers that arrived within the measured window, successful or not. */
  answered: number;
  succeeded: number;
  failed: number;
  seconds: number;
  /** Successful answers per second in the measured window. */
  rate: number;
  /** Latencies in ms of the successful answers in the window. */
  latency: Summary;
  /** The same latencies, unsorted, to merge the results of several runs. */
  samples: number[];
  /** The first failed answer, to say why. */
  firstFailure?: string;
}

const graphqlOk = (status: number, body: string) => status === 200 && !body.includes('"errors"');

/**
 * A small closed-loop (or, with `rate`, scheduled) HTTP load generator over keep-alive sockets
 * (`KeepAliveConnection`), as autocannon does it: no dependency, one process (run it in a process
 * other than the server's).
 */
export async function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const target = new URL(options.url);
  const ok = options.ok ?? graphqlOk;
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const interval = options.rate ? 1_000 / options.rate : 0;
  const latencies: number[] = [];
  let answered = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let next = 0;

  const stopped = () => performance.now() >= end;

  async function loop(): Promise<void> {
    const connection = new KeepAliveConnection(target);
    try {
      await requests(connection);
    } finally {
      connection.close();
    }
  }

  async function requests(connection: KeepAliveConnection): Promise<void> {
    while (!stopped()) {
      const i = next++;
      let due = performance.now();
      if (interval > 0) {
        due = started + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (stopped()) return;
      }
      const { body, headers } = options.request(i);
      let answer: Answer;
      try {
        answer = await connection.send(requestText(target, body, headers));
      } catch (error) {
        answer = { status: 0, body: (error as Error).message };
      }
      const now = performance.now();
      // an answer counts when it arrives inside the window, whenever it was sent: a long request
      // straddling an edge would otherwise be lost from the rate
      if (now < measureFrom || now > end) continue;
      answered++;
      if (ok(answer.status, answer.body)) {
        latencies.push(now - due);
      } else {
        failed++;
        firstFailure ??= `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
      }
    }
  }

  await Promise.all(Array.from({ length: options.connections }, loop));
  const seconds = options.durationMs / 1_000;
  return {
    answered,
    succeeded: latencies.length,
    failed,
    seconds,
    rate: latencies.length / seconds,
    latency: summarize(latencies),
    samples: latencies,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

/** One JSON POST over `agent` (keep-alive): the status and the whole answer as text. */
export function postJson(
  agent: Agent,
  target: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: graphqlPostHeaders(body, headers),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
