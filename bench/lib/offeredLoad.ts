import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { postJson } from './httpLoad.js';
import { SubscriptionSocket } from './subscriptionSocket.js';

/** One write as a client sends it: a mutation, its variables, and the token it is sent with. */
export interface Write {
  query: string;
  variables: Record<string, unknown>;
  token: string;
}

/** What one command went through, in ms of `performance.now()`. */
export interface CommandTrace {
  /** When the mutation was due (the schedule, not when a socket was free: no coordinated omission). */
  dueAt: number;
  acceptedAt?: number;
  commandId?: string;
  /** The terminal status the subscription delivered, and when. */
  terminal?: string;
  terminalAt?: number;
  error?: string;
}

export interface OfferedLoadOptions {
  graphqlUrl: string;
  /** Writes per second, due on a fixed schedule. */
  rate: number;
  durationMs: number;
  /** The `i`-th write. */
  write: (i: number) => Write;
  /** Sockets the `commandStatus` subscriptions are spread over, each signed in as `followerToken`. */
  sockets: number;
  /** A token allowed to follow every command (an admin's). */
  followerToken: string;
  /** Keep-alive HTTP connections for the mutations. */
  connections: number;
  /** Called once a second with the traces so far (for a backlog sample). */
  onSecond?: (second: number) => Promise<void> | void;
}

const terminalStatuses = new Set(['PROJECTED', 'REJECTED', 'DEAD']);

/**
 * An open-loop client population: mutations due on a fixed schedule over keep-alive connections,
 * each receipt followed at once by a `commandStatus` subscription until a terminal status. This
 * is what a frontend does: send, then wait to be told the write is queryable.
 */
export class OfferedLoad {
  readonly traces: CommandTrace[] = [];
  readonly #options: OfferedLoadOptions;
  readonly #byCommand = new Map<string, CommandTrace>();
  readonly #agent: Agent;
  #sockets: SubscriptionSocket[] = [];
  #next = 0;

  constructor(options: OfferedLoadOptions) {
    this.#options = options;
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  }

  /** Sends for `durationMs`, then resolves; the subscriptions go on until `settle`. */
  async run(): Promise<void> {
    const { rate, durationMs, sockets, graphqlUrl, followerToken } = this.#options;
    const wsUrl = graphqlUrl.replace(/^http/, 'ws');
    this.#sockets = await Promise.all(
      Array.from({ length: sockets }, () =>
        SubscriptionSocket.open(wsUrl, followerToken, {
          state: (commandId, status, at) => this.#state(commandId, status, at),
          error: (commandId, reason) => this.#failed(commandId, reason),
        }),
      ),
    );
    const interval = 1_000 / rate;
    const started = performance.now();
    const total = Math.round((rate * durationMs) / 1_000);
    let second = 0;
    for (let i = 0; i < total; i++) {
      const dueAt = started + i * interval;
      const wait = dueAt - performance.now();
      if (wait > 1) await sleep(wait);
      const trace: CommandTrace = { dueAt };
      this.traces.push(trace);
      void this.#send(trace, this.#options.write(i));
      if (this.#options.onSecond && dueAt - started >= (second + 1) * 1_000) {
        second++;
        void this.#options.onSecond(second);
      }
    }
  }

  /** Waits until every accepted command reached a terminal status (or `timeoutMs` passed). */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.traces.every((t) => t.error !== undefined || t.terminal !== undefined)) return true;
      await sleep(100);
    }
    return false;
  }

  close(): void {
    for (const socket of this.#sockets) socket.close();
    this.#agent.destroy();
  }

  async #send(trace: CommandTrace, write: Write): Promise<void> {
    try {
      // A keep-alive socket the server closed as it was reused: the write carries an idempotency
      // key, so sending it again is what a client does, and cannot make a second command.
      const body = await post(this.#agent, this.#options.graphqlUrl, write).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET') throw error;
          return post(this.#agent, this.#options.graphqlUrl, write);
        },
      );
      const result = JSON.parse(body) as {
        data?: Record<string, { commandId: string }>;
        errors?: unknown[];
      };
      const receipt = result.data ? Object.values(result.data)[0] : undefined;
      if (!receipt) throw new Error(JSON.stringify(result.errors ?? result));
      trace.acceptedAt = performance.now();
      trace.commandId = receipt.commandId;
      this.#byCommand.set(receipt.commandId, trace);
      this.#sockets[this.#next++ % this.#sockets.length]!.follow(receipt.commandId);
    } catch (error) {
      trace.error = error instanceof Error ? error.message : String(error);
    }
  }

  #state(commandId: string, status: string, at: number): void {
    const trace = this.#byCommand.get(commandId);
    if (trace && terminalStatuses.has(status) && trace.terminal === undefined) {
      trace.terminal = status;
      trace.terminalAt = at;
    }
  }

  #failed(commandId: string, reason: string): void {
    const trace = this.#byCommand.get(commandId);
    if (trace && trace.terminal === undefined) trace.error = reason;
  }
}

async function post(agent: Agent, url: string, write: Write): Promise<string> {
  const body = JSON.stringify({ query: write.query, variables: write.variables });
  const answer = await postJson(agent, new URL(url), body, { authorization: `Bearer ${write.token}` });
  return answer.body;
}
