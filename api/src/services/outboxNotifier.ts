import { channels, type Db, notify } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { safeError } from '../safeError.js';

/**
 * Wakes the submitter after a command commits: at most one `gx_outbox` NOTIFY per `coalesceMs` from
 * this process, sent outside any mutation's transaction (design, "NOTIFY is not free"). A lost notice
 * costs only latency: the submitter also polls.
 */
export class OutboxNotifier {
  readonly #db: Db;
  readonly #coalesceMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #sent = 0;

  constructor(db: Db, coalesceMs: number, logger: Logger) {
    this.#db = db;
    this.#coalesceMs = coalesceMs;
    this.#logger = logger;
  }

  /** Notices sent so far (for tests and metrics). */
  get sent(): number {
    return this.#sent;
  }

  poke(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = this.#send();
    }, this.#coalesceMs);
  }

  async #send(): Promise<void> {
    try {
      await notify(this.#db, channels.outbox, '');
      this.#sent++;
    } catch (error) {
      this.#logger.warn({ error: safeError(error) }, 'gx_outbox notify failed; the submitter will poll');
    }
  }

  /** Sends a pending notice now and waits for it. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#inFlight = this.#send();
    }
    await this.#inFlight;
  }
}
