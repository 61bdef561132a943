import type { UsedLinks } from '../../bot/core/ports/used-links.ts';
import { RedisOnceKeys } from './once-keys.ts';
import type { RedisClient } from './scripts.ts';

/** `<prefix>:used-link:<nonce>` once an export link has been followed, until it expires. */
export class RedisUsedLinks implements UsedLinks {
  readonly #keys: RedisOnceKeys;

  constructor(redis: RedisClient, prefix: string) {
    this.#keys = new RedisOnceKeys(redis, prefix, 'used-link');
  }

  use(nonce: string, validForSeconds: number): Promise<boolean> {
    return this.#keys.claim(nonce, validForSeconds);
  }
}
