import { RateLimitedError } from '../errors.js';

const maxKeys = 100_000;

function trim<K, V>(map: Map<K, V>): void {
  // Map iteration is insertion order: the oldest keys go first when an attacker floods new ones.
  while (map.size > maxKeys) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

/** A token bucket per key: `rate` per second, up to `burst` at once. */
export class TokenBuckets {
  readonly #rate: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(rate: number, burst: number) {
    this.#rate = rate;
    this.#burst = burst;
  }

  /** Takes a token; answers 0, or the seconds until one is available. */
  take(key: string, now = Date.now()): number {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      return (1 - bucket.tokens) / this.#rate;
    }
    bucket.tokens -= 1;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    trim(this.#buckets);
    return 0;
  }

  sweep(now = Date.now()): void {
    const full = (this.#burst / this.#rate) * 1000;
    for (const [key, bucket] of this.#buckets) if (now - bucket.at > full) this.#buckets.delete(key);
  }
}

/** At most `limit` events per key within a sliding window of `windowMs`. */
export class SlidingWindows {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #events = new Map<string, number[]>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** 0 while under the limit, else the seconds until the oldest event leaves the window. */
  check(key: string, now = Date.now()): number {
    const events = this.#live(key, now);
    if (events.length < this.#limit) return 0;
    return (events[0]! + this.#windowMs - now) / 1000;
  }

  record(key: string, now = Date.now()): void {
    const events = this.#live(key, now);
    events.push(now);
    if (events.length > this.#limit) events.shift();
    this.#events.delete(key);
    this.#events.set(key, events);
    trim(this.#events);
  }

  clear(key: string): void {
    this.#events.delete(key);
  }

  #live(key: string, now: number): number[] {
    const events = (this.#events.get(key) ?? []).filter((t) => now - t < this.#windowMs);
    if (events.length === 0) this.#events.delete(key);
    return events;
  }

  sweep(now = Date.now()): void {
    for (const key of [...this.#events.keys()]) this.#live(key, now);
  }
}

export interface RateLimitSettings {
  loginMaxFailuresPerEmail: number;
  loginFailureWindowSeconds: number;
  loginMaxAttemptsPerIpPerMinute: number;
  writesPerSecond: number;
  writeBurst: number;
}

/**
 * The design's rate limits, kept in this process's memory: each api replica counts on its own, so
 * behind N replicas a client may get up to N times the limit (written in the design).
 */
export class RateLimits {
  readonly #loginFailures: SlidingWindows;
  readonly #loginAttempts: SlidingWindows;
  readonly #writes: TokenBuckets;
  readonly #sweeper: NodeJS.Timeout;

  constructor(settings: Readonly<RateLimitSettings>) {
    this.#loginFailures = new SlidingWindows(
      settings.loginMaxFailuresPerEmail,
      settings.loginFailureWindowSeconds * 1000,
    );
    this.#loginAttempts = new SlidingWindows(settings.loginMaxAttemptsPerIpPerMinute, 60_000);
    this.#writes = new TokenBuckets(settings.writesPerSecond, settings.writeBurst);
    this.#sweeper = setInterval(() => {
      this.#loginFailures.sweep();
      this.#loginAttempts.sweep();
      this.#writes.sweep();
    }, 60_000);
    this.#sweeper.unref();
  }

  /** Counts a login attempt from `ip` and refuses when the IP or the e-mail is over its limit. */
  loginAttempt(ip: string, email: string): void {
    const byIp = this.#loginAttempts.check(ip);
    if (byIp > 0) throw new RateLimitedError(byIp, 'too many login attempts from this address');
    this.#loginAttempts.record(ip);
    const byEmail = this.#loginFailures.check(email.toLowerCase());
    if (byEmail > 0) throw new RateLimitedError(byEmail, 'too many failed logins for this e-mail');
  }

  loginFailed(email: string): void {
    this.#loginFailures.record(email.toLowerCase());
  }

  loginSucceeded(email: string): void {
    this.#loginFailures.clear(email.toLowerCase());
  }

  /** A write by `key` (a profile id, or `ip:…` for a registration). */
  write(key: string): void {
    const wait = this.#writes.take(key);
    if (wait > 0) throw new RateLimitedError(wait, 'too many writes');
  }

  close(): void {
    clearInterval(this.#sweeper);
  }
}
