/** The replay guard in one process: the sandbox, benchmarks and tests. */
import type { ReplayGuard } from '../../bot/core/ports/replay-guard.ts';

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
