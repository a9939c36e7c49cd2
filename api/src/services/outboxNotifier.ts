import { channels, type Sql } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { safeError } from '../safeError.js';

/**
 * Wakes the submitter after a command commits: at most one `gx_outbox` NOTIFY per `coalesceMs` from
 * this process, sent outside any mutation's transaction (design, "NOTIFY is not free"). The first
 * poke of a quiet spell sends at once; those within the window after it are folded into one notice
 * at its end. A lost notice costs only latency: the submitter also polls.
 */
export class OutboxNotifier {
  readonly #sql: Sql;
  readonly #coalesceMs: number;
  readonly #logger: Logger;
  /** Runs while a window is open: pokes meanwhile are folded into one notice at its end. */
  #window: NodeJS.Timeout | undefined;
  #folded = false;
  #inFlight: Promise<void> | undefined;
  #sent = 0;

  constructor(sql: Sql, coalesceMs: number, logger: Logger) {
    this.#sql = sql;
    this.#coalesceMs = coalesceMs;
    this.#logger = logger;
  }

  /** Notices sent so far (for tests and metrics). */
  get sent(): number {
    return this.#sent;
  }

  poke(): void {
    if (this.#window) {
      this.#folded = true;
      return;
    }
    this.#inFlight = this.#send();
    this.#window = setTimeout(() => {
      this.#window = undefined;
      if (!this.#folded) return;
      this.#folded = false;
      this.poke();
    }, this.#coalesceMs);
  }

  async #send(): Promise<void> {
    try {
      // a tagged statement, prepared once per connection: one write to PostgreSQL, not two
      await this.#sql`select pg_notify(${channels.outbox}, '')`;
      this.#sent++;
    } catch (error) {
      this.#logger.warn({ error: safeError(error) }, 'gx_outbox notify failed; the submitter will poll');
    }
  }

  /** Sends a folded notice now, and waits for the last one sent. */
  async flush(): Promise<void> {
    clearTimeout(this.#window);
    this.#window = undefined;
    if (this.#folded) {
      this.#folded = false;
      this.#inFlight = this.#send();
    }
    await this.#inFlight;
  }
}
