import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/bcrypt';
import { Semaphore } from './semaphore.js';

export interface PasswordHasherOptions {
  /** bcrypt cost (work factor); the design's is 12. */
  cost: number;
  /** Hashes computed at once on the thread pool; the rest queue, so the event loop never blocks. */
  concurrency: number;
}

/**
 * bcrypt through @node-rs/bcrypt, off the event loop. An unknown e-mail is checked against a dummy
 * hash of the same cost, so a login answers in the same time whether the account exists or not.
 */
export class PasswordHasher {
  readonly cost: number;
  readonly #pool: Semaphore;
  #dummy: Promise<string> | undefined;

  constructor(options: Readonly<PasswordHasherOptions>) {
    this.cost = options.cost;
    this.#pool = new Semaphore(options.concurrency);
  }

  hash(password: string): Promise<string> {
    return this.#pool.run(() => hash(password, this.cost));
  }

  verify(password: string, passwordHash: string): Promise<boolean> {
    return this.#pool.run(() => verify(password, passwordHash).catch(() => false));
  }

  /** Spends a verification's time and answers false: for an e-mail nobody registered. */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.#dummy);
    return false;
  }

  /** Makes the dummy hash now rather than on the first unknown e-mail. */
  async warm(): Promise<void> {
    this.#dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.#dummy;
  }
}
