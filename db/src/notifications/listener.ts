import type { Logger } from '@gx/runtime';
import postgres from 'postgres';
import type { Channel } from './channels.js';

export type NotificationHandler = (payload: string) => void;

export interface NotificationListener {
  /** Resolves when every channel subscribed so far is being listened to. */
  ready(): Promise<void>;
  subscribe(channel: Channel, handler: NotificationHandler): () => void;
  /**
   * Called after the connection was lost and LISTEN restored: notices sent meanwhile are gone,
   * so subscribers re-read the state they follow.
   */
  onGap(handler: () => void): () => void;
  /** Whether LISTEN is in place right now. */
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface ListenerOptions {
  logger: Logger;
  /** First delay before reconnecting; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A query this often finds a connection that died without a word. */
  heartbeatMs?: number;
}

/**
 * One dedicated connection per process for all LISTENs. postgres.js's own `listen` gives up when
 * the server is still down at its one reconnection attempt, so reconnection is ours: retry with
 * backoff, LISTEN again on every channel, then report the gap.
 */
export function createListener(url: string, options: ListenerOptions): NotificationListener {
  const { logger } = options;
  const baseDelay = options.reconnectDelayMs ?? 100;
  const maxDelay = options.maxReconnectDelayMs ?? 5_000;
  const handlers = new Map<string, Set<NotificationHandler>>();
  const gapHandlers = new Set<() => void>();
  let connected = false;
  let closed = false;
  let everConnected = false;
  let connecting: Promise<void> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  // `onnotify` is a connection option postgres.js honours but does not declare in its types.
  const connectionOptions: postgres.Options<Record<string, never>> & {
    onnotify: (channel: string, payload: string) => void;
  } = {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: 'gx-listener' },
    onnotify: (channel, payload) => {
      for (const handler of handlers.get(channel) ?? []) {
        try {
          handler(payload);
        } catch (error) {
          logger.error({ err: error, channel }, 'notification handler failed');
        }
      }
    },
    onclose: () => {
      if (closed || !connected) return;
      connected = false;
      logger.warn('LISTEN connection lost; reconnecting');
      scheduleReconnect(baseDelay);
    },
  };
  const sql = postgres(url, connectionOptions);

  const listenAll = async () => {
    for (const channel of handlers.keys()) await sql`listen ${sql(channel)}`;
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      try {
        await sql`select 1`;
        await listenAll();
        connected = true;
        if (everConnected) {
          logger.info('LISTEN restored; subscribers re-read');
          for (const handler of gapHandlers) handler();
        }
        everConnected = true;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  };

  const scheduleReconnect = (delay: number) => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().catch((error: unknown) => {
        logger.debug({ err: error, delay }, 'LISTEN reconnection failed');
        scheduleReconnect(Math.min(delay * 2, maxDelay));
      });
    }, delay);
  };

  const heartbeat = setInterval(() => {
    if (!connected || connecting) return;
    sql`select 1`.catch(() => {
      // onclose reconnects when the connection is really gone; a failed query alone may not close it
      if (connected) {
        connected = false;
        scheduleReconnect(baseDelay);
      }
    });
  }, options.heartbeatMs ?? 10_000);
  heartbeat.unref();

  return {
    ready: () => (connected ? Promise.resolve() : connect()),
    subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        if (connected) sql`listen ${sql(channel)}`.catch(() => scheduleReconnect(baseDelay));
      }
      set.add(handler);
      return () => set.delete(handler);
    },
    onGap(handler) {
      gapHandlers.add(handler);
      return () => gapHandlers.delete(handler);
    },
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await sql.end({ timeout: 2 });
    },
  };
}
