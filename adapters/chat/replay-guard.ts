/**
 * Remembers signed inbound requests for as long as their signature would be accepted, so a
 * captured request replayed inside that window is refused (Slack's timestamp check alone
 * accepts a replay for five minutes).
 */
export interface ReplayGuard {
  /** True the first time `key` is seen within `ttlSeconds`; false for every repeat. */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
}

export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.#now();
    // Insertion order is expiry order for a fixed window, so pruning stops at the first live key.
    for (const [k, until] of this.#seen) {
      if (until > now) break;
      this.#seen.delete(k);
    }
    if ((this.#seen.get(key) ?? 0) > now) return false;
    this.#seen.delete(key);
    this.#seen.set(key, now + ttlSeconds * 1000);
    return true;
  }
}
