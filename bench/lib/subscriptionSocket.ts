import WebSocket from 'ws';

export interface CommandStatusEvents {
  /** A `commandStatus` state arrived (`receivedAt`: `performance.now()` as the message was read). */
  state(commandId: string, status: string, receivedAt: number): void;
  /** The server refused or ended a subscription with an error, or the socket closed under it. */
  error(commandId: string, reason: string): void;
}

const FOLLOW = 'subscription($id: ID!) { commandStatus(id: $id) { status } }';

/**
 * One WebSocket speaking graphql-ws's protocol (`graphql-transport-ws`) with as little as a client
 * needs, for holding thousands of `commandStatus` subscriptions from one load process: the
 * graphql-ws client is fine for tests, but per socket it keeps more than a benchmark wants to pay.
 */
export class SubscriptionSocket {
  readonly #socket: WebSocket;
  readonly #events: CommandStatusEvents;
  /** Operation id → the command it follows. */
  readonly #operations = new Map<string, string>();
  #nextOperation = 0;

  private constructor(socket: WebSocket, events: CommandStatusEvents) {
    this.#socket = socket;
    this.#events = events;
    socket.on('message', (data) => this.#receive(data.toString(), performance.now()));
    socket.on('close', (code, reason) => {
      for (const commandId of this.#operations.values()) {
        this.#events.error(commandId, `socket closed ${code} ${reason.toString()}`);
      }
      this.#operations.clear();
    });
  }

  /** Opens the socket and resolves once the server acknowledged `connection_init`. */
  static open(
    url: string,
    token: string | undefined,
    events: CommandStatusEvents,
  ): Promise<SubscriptionSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      const fail = (reason: string) => {
        socket.terminate();
        reject(new Error(reason));
      };
      socket.once('error', (error) => fail(error.message));
      socket.once('close', (code, reason) =>
        fail(`closed ${code} ${reason.toString()} before connection_ack`),
      );
      socket.once('open', () => {
        const payload = token ? { authorization: `Bearer ${token}` } : {};
        socket.send(JSON.stringify({ type: 'connection_init', payload }));
      });
      socket.once('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type !== 'connection_ack') return fail(`expected connection_ack, got ${message.type}`);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        socket.on('error', () => {});
        resolve(new SubscriptionSocket(socket, events));
      });
    });
  }

  /** Subscribes to `commandStatus(commandId)`. */
  follow(commandId: string): void {
    const id = String(this.#nextOperation++);
    this.#operations.set(id, commandId);
    this.#socket.send(
      JSON.stringify({ id, type: 'subscribe', payload: { query: FOLLOW, variables: { id: commandId } } }),
    );
  }

  close(): void {
    this.#operations.clear();
    this.#socket.close(1000);
  }

  #receive(text: string, receivedAt: number): void {
    const message = JSON.parse(text) as { type: string; id?: string; payload?: unknown };
    if (message.type === 'ping') {
      this.#socket.send(JSON.stringify({ type: 'pong' }));
      return;
    }
    const commandId = message.id === undefined ? undefined : this.#operations.get(message.id);
    if (commandId === undefined) return;
    if (message.type === 'next') {
      const result = message.payload as { data?: { commandStatus: { status: string } }; errors?: unknown };
      if (result.data) this.#events.state(commandId, result.data.commandStatus.status, receivedAt);
      else this.#events.error(commandId, JSON.stringify(result.errors));
    } else if (message.type === 'error') {
      this.#operations.delete(message.id!);
      this.#events.error(commandId, JSON.stringify(message.payload));
    } else if (message.type === 'complete') {
      this.#operations.delete(message.id!);
    }
  }
}
