/** The used export links in one process: tests. */
import type { UsedLinks } from '../../bot/core/ports/used-links.ts';
import { MemoryOnceKeys } from './once-keys.ts';

export class MemoryUsedLinks implements UsedLinks {
  readonly #keys: MemoryOnceKeys;

  constructor(now: () => number = Date.now) {
    this.#keys = new MemoryOnceKeys(now);
  }

  async use(nonce: string, validForSeconds: number): Promise<boolean> {
    return this.#keys.claim(nonce, validForSeconds);
  }
}
