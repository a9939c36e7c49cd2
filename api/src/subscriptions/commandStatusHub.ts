import { channels, decodeCommandNotice, type NotificationListener } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { type CommandStatus, isTerminal } from '@gx/schema';
import { RateLimitedError } from '../errors.js';
import { safeError } from '../safeError.js';
import type { CommandView } from '../services/commands.js';

/** One subscriber's view of one command: the states it has yet to take, in order. */
class Watcher implements AsyncIterableIterator<CommandView> {
  readonly id: string;
  readonly subscriber: string;
  readonly first: Promise<CommandView | null>;
  #resolveFirst!: (view: CommandView | null) => void;
  #started = false;
  #last: CommandStatus | undefined;
  #queue: CommandView[] = [];
  #wake: (() => void) | undefined;
  /** No more states will be queued (terminal reached, or closed). */
  finished = false;
  readonly #onClose: (watcher: Watcher) => void;

  constructor(id: string, subscriber: string, onClose: (watcher: Watcher) => void) {
    this.id = id;
    this.subscriber = subscriber;
    this.#onClose = onClose;
    this.first = new Promise((resolve) => {
      this.#resolveFirst = resolve;
    });
  }

  /** A fresh read of the command: the first is always queued, later ones only when the status moved. */
  deliver(view: CommandView | null): void {
    if (this.finished) return;
    if (!this.#started) {
      this.#started = true;
      this.#resolveFirst(view);
      if (!view) {
        this.#finish();
        return;
      }
    } else if (!view || view.status === this.#last) {
      return;
    }
    this.#last = view.status;
    this.#queue.push(view);
    if (isTerminal(view.status)) this.#finish();
    this.#wake?.();
  }

  #finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.#onClose(this);
    this.#wake?.();
  }

  close(): void {
    this.#queue = [];
    this.#finish();
  }

  /** The status last delivered; undefined until the first read. */
  get status(): CommandStatus | undefined {
    return this.#last;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<CommandView> {
    return this;
  }

  async next(): Promise<IteratorResult<CommandView>> {
    for (;;) {
      const value = this.#queue.shift();
      if (value) return { value, done: false };
      if (this.finished) return { value: undefined, done: true };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<CommandView>> {
    this.close();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<CommandView>> {
    this.close();
    throw error;
  }
}

export interface CommandWatch {
  /** The command as read after listening began; null when there is no such command. */
  first: Promise<CommandView | null>;
  /** The first state, then each later one; ends after a terminal status. */
  updates: AsyncIterableIterator<CommandView>;
  close(): void;
}

export interface CommandStatusHubOptions {
  listener: NotificationListener;
  /**
   * Reads commands by id, in one query; with `known` (a status or null for each id), only those whose
   * status is not that one.
   */
  read: (ids: readonly string[], known?: readonly (CommandStatus | null)[]) => Promise<CommandView[]>;
  logger: Logger;
  /** Re-read every watched command this often, the safety net for a lost notice; 0: never. */
  pollMs: number;
  maxSubscriptions: number;
  maxPerSubscriber: number;
}

const readChunk = 1_000;
/**
 * Deliveries between two turns of the event loop: each runs the subscription's execution and a
 * socket write, so a block's worth of changes at once would hold back every request meanwhile.
 */
const deliverySlice = 8;

/**
 * The fan-out of `gx_command` notices to `commandStatus` subscribers. The process's one LISTEN
 * connection feeds it; each notice names command ids, and their watched ones are re-read (one query
 * for all the ids pending at once) and passed on when their status moved. Reads are serialised, so
 * a subscriber sees states in order. A new watcher is registered before its first read, so no change
 * can fall between its read and its first notice; after a lost LISTEN connection (`onGap`) and on each
 * poll, every watched command is re-read.
 */
export class CommandStatusHub {
  readonly #options: Readonly<CommandStatusHubOptions>;
  readonly #watchers = new Map<string, Set<Watcher>>();
  readonly #perSubscriber = new Map<string, number>();
  /** Commands named by a notice, or newly watched: read before anything else. */
  readonly #dirty = new Set<string>();
  /** Commands the safety net re-reads (the poll, a lost LISTEN connection): read when nothing is dirty. */
  readonly #stale = new Set<string>();
  #size = 0;
  #scheduled = false;
  #running: Promise<void> | undefined;
  #stopped = false;
  readonly #unsubscribe: (() => void)[] = [];
  #poll: NodeJS.Timeout | undefined;

  constructor(options: Readonly<CommandStatusHubOptions>) {
    this.#options = options;
    const { listener } = options;
    this.#unsubscribe.push(
      listener.subscribe(channels.command, (payload) => {
        for (const id of decodeCommandNotice(payload)) if (this.#watchers.has(id)) this.#dirty.add(id);
        this.#schedule();
      }),
      listener.onGap(() => this.#rereadAll()),
    );
    if (options.pollMs > 0) {
      this.#poll = setInterval(() => this.#rereadAll(), options.pollMs);
      this.#poll.unref();
    }
  }

  /** Active subscriptions in this process. */
  get size(): number {
    return this.#size;
  }

  watch(id: string, subscriber: string): CommandWatch {
    if (this.#stopped) throw new Error('the subscription hub is stopped');
    if (this.#size >= this.#options.maxSubscriptions) {
      throw new RateLimitedError(1, 'too many subscriptions on this server');
    }
    const own = this.#perSubscriber.get(subscriber) ?? 0;
    if (own >= this.#options.maxPerSubscriber) throw new RateLimitedError(1, 'too many subscriptions');
    const watcher = new Watcher(id, subscriber, (w) => this.#remove(w));
    let set = this.#watchers.get(id);
    if (!set) {
      set = new Set();
      this.#watchers.set(id, set);
    }
    set.add(watcher);
    this.#perSubscriber.set(subscriber, own + 1);
    this.#size++;
    this.#dirty.add(id);
    this.#schedule();
    return { first: watcher.first, updates: watcher, close: () => watcher.close() };
  }

  #remove(watcher: Watcher): void {
    const set = this.#watchers.get(watcher.id);
    if (!set?.delete(watcher)) return;
    if (set.size === 0) this.#watchers.delete(watcher.id);
    const own = (this.#perSubscriber.get(watcher.subscriber) ?? 1) - 1;
    if (own > 0) this.#perSubscriber.set(watcher.subscriber, own);
    else this.#perSubscriber.delete(watcher.subscriber);
    this.#size--;
  }

  #rereadAll(): void {
    for (const id of this.#watchers.keys()) this.#stale.add(id);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#stopped) return;
    if (this.#dirty.size === 0 && this.#stale.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#running = this.#drain().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    });
  }

  /**
   * Reads a chunk at a time, the dirty commands first: a notice that arrives while the safety net
   * re-reads every watched command waits for one chunk, not for the whole pass.
   */
  async #drain(): Promise<void> {
    let failures = 0;
    while ((this.#dirty.size > 0 || this.#stale.size > 0) && !this.#stopped) {
      const stale = this.#dirty.size === 0;
      const part = this.#takeChunk(stale ? this.#stale : this.#dirty);
      if (part.length === 0) continue;
      let rows: CommandView[];
      try {
        rows = await this.#options.read(part, stale ? part.map((id) => this.#knownStatus(id)) : undefined);
        failures = 0;
      } catch (error) {
        failures++;
        this.#options.logger.warn(
          { error: safeError(error), ids: part.length },
          'reading watched commands failed; retrying',
        );
        // every watcher waits for the database, a new one too: failing its first read would end a
        // client's re-subscription with an error during a database restart, and it would miss the rest
        for (const id of part) if (this.#watchers.has(id)) this.#dirty.add(id);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures, 5_000)));
        continue;
      }
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (let i = 0; i < part.length; i++) {
        const id = part[i]!;
        const view = byId.get(id) ?? null;
        // a safety-net read leaves out what did not move: no news, even for a watcher that joined
        // while it ran (that one is dirty, and its own read follows)
        if (!view && stale) continue;
        for (const watcher of [...(this.#watchers.get(id) ?? [])]) watcher.deliver(view);
        if ((i + 1) % deliverySlice === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  /**
   * The status a command's watchers have: every read of it is delivered to all of them, so they hold
   * the same one, and the safety net reads the command only if it moved from there. Null (read it
   * whatever it is) while one of them has had no state yet.
   */
  #knownStatus(id: string): CommandStatus | null {
    let known: CommandStatus | null = null;
    for (const watcher of this.#watchers.get(id) ?? []) {
      if (watcher.status === undefined) return null;
      known = watcher.status;
    }
    return known;
  }

  /** Up to one read's worth of still-watched ids out of `from`; a read serves both sets. */
  #takeChunk(from: Set<string>): string[] {
    const part: string[] = [];
    for (const id of from) {
      from.delete(id);
      if (!this.#watchers.has(id)) continue;
      this.#dirty.delete(id);
      this.#stale.delete(id);
      part.push(id);
      if (part.length === readChunk) break;
    }
    return part;
  }

  /** Ends every subscription and stops listening. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    for (const off of this.#unsubscribe) off();
    for (const set of [...this.#watchers.values()]) for (const watcher of [...set]) watcher.close();
    await this.#running;
  }
}
