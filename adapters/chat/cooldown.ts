/** The alert cooldown in one process: the sandbox and tests. */
import type { Cooldown } from '../../bot/core/ports/cooldown.ts';
import { MemoryOnceKeys } from './once-keys.ts';

export class MemoryCooldown implements Cooldown {
  readonly #keys: MemoryOnceKeys;

  constructor(now: () => number = Date.now) {
    this.#keys = new MemoryOnceKeys(now);
  }

  async start(key: string, seconds: number): Promise<boolean> {
    return this.#keys.claim(key, seconds);
  }
}
