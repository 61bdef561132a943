/**
 * The export links that have been followed, so that each works once (export-links.ts). A link
 * is remembered for as long as it would otherwise still be valid.
 */
import { MemoryOnceKeys } from './once-keys.ts';

export interface UsedLinks {
  /** True the first time the link with this nonce is used; false every time after. */
  use(nonce: string, validForSeconds: number): Promise<boolean>;
}

export class MemoryUsedLinks implements UsedLinks {
  readonly #keys: MemoryOnceKeys;

  constructor(now: () => number = Date.now) {
    this.#keys = new MemoryOnceKeys(now);
  }

  async use(nonce: string, validForSeconds: number): Promise<boolean> {
    return this.#keys.claim(nonce, validForSeconds);
  }
}
