import type { RedisClient } from './scripts.ts';

/**
 * Keys claimed once per window with SET NX EX, shared by every replica: what the replay
 * guard, the alert cooldown and the used export links each need underneath. Each names its
 * own space, `<prefix>:<space>:<key>`, so their keys never meet.
 */
export class RedisOnceKeys {
  readonly #redis: RedisClient;
  readonly #base: string;

  constructor(redis: RedisClient, prefix: string, space: string) {
    this.#redis = redis;
    this.#base = `${prefix}:${space}:`;
  }

  /** True if `key` was free, which claims it for `ttlSeconds`; false while it is claimed. */
  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.#redis.set(`${this.#base}${key}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }
}
