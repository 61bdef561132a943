import type { Cooldown } from '../../bot/core/ports/cooldown.ts';
import { RedisOnceKeys } from './once-keys.ts';
import type { RedisClient } from './scripts.ts';

/** `<prefix>:cooldown:<key>` while a posted alert is cooling down. */
export class RedisCooldown implements Cooldown {
  readonly #keys: RedisOnceKeys;

  constructor(redis: RedisClient, prefix: string) {
    this.#keys = new RedisOnceKeys(redis, prefix, 'cooldown');
  }

  start(key: string, seconds: number): Promise<boolean> {
    return this.#keys.claim(key, seconds);
  }
}
