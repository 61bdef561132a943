/**
 * Keys that can be claimed once per window, in memory: what the replay guard, the alert
 * cooldown and the used export links each need underneath (adapters/redis/once-keys.ts is
 * the shared version). Each of those gets its own instance, so their keys never meet.
 */
export class MemoryOnceKeys {
  readonly #claimed = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** True if `key` was free, which claims it for `ttlSeconds`; false while it is claimed. */
  claim(key: string, ttlSeconds: number): boolean {
    const now = this.#now();
    // Insertion order is expiry order for a fixed window, so pruning stops at the first live key.
    for (const [k, until] of this.#claimed) {
      if (until > now) break;
      this.#claimed.delete(k);
    }
    if ((this.#claimed.get(key) ?? 0) > now) return false;
    this.#claimed.delete(key);
    this.#claimed.set(key, now + ttlSeconds * 1000);
    return true;
  }
}
