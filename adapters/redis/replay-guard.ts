import type { ReplayGuard } from '../../bot/core/ports/replay-guard.ts';
import { RedisOnceKeys } from './once-keys.ts';
import type { RedisClient } from './scripts.ts';

/** `<prefix>:seen:<key>` while a signed request could still be replayed. */
export class RedisReplayGuard implements ReplayGuard {
  readonly #keys: RedisOnceKeys;

  constructor(redis: RedisClient, prefix: string) {
    this.#keys = new RedisOnceKeys(redis, prefix, 'seen');
  }

  firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    return this.#keys.claim(key, ttlSeconds);
  }
}
