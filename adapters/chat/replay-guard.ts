/** The replay guard in one process: the sandbox, benchmarks and tests. */
import type { ReplayGuard } from '../../bot/core/ports/replay-guard.ts';
import { MemoryOnceKeys } from './once-keys.ts';

export class MemoryReplayGuard implements ReplayGuard {
  readonly #keys: MemoryOnceKeys;

  constructor(now: () => number = Date.now) {
    this.#keys = new MemoryOnceKeys(now);
  }

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    return this.#keys.claim(key, ttlSeconds);
  }
}
