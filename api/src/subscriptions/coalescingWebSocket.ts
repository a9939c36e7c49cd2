import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

type SendCallback = (error?: Error) => void;
type SendOptions = Exclude<Parameters<WebSocket['send']>[1], SendCallback | undefined>;

/**
 * A server-side WebSocket whose frames sent in one turn of the event loop leave in one write. When a
 * block projects hundreds of followed commands, each socket gets its last state and graphql-ws's
 * `complete` in one system call instead of two, and on this machine the system calls were most of a
 * fan-out's cost. graphql-ws waits for each send's callback before its next send, so the callback is
 * called once the frame is queued, not once it is written: a failed write closes the socket, and the
 * close ends its subscriptions.
 */
export class CoalescingWebSocket extends WebSocket {
  #flushScheduled = false;

  override send(
    data: Parameters<WebSocket['send']>[0],
    optionsOrCallback?: SendOptions | SendCallback,
    callback?: SendCallback,
  ): void {
    const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
    // ws keeps its TCP socket in `_socket`, with no public way to hold writes back
    const tcp = (this as unknown as { _socket: Socket | null })._socket;
    if (tcp && !this.#flushScheduled && this.readyState === WebSocket.OPEN) {
      this.#flushScheduled = true;
      tcp.cork();
      setImmediate(() => {
        this.#flushScheduled = false;
        tcp.uncork();
      });
    }
    super.send(data, options);
    done?.();
  }
}
