import type { Redis } from 'ioredis';
import type { ReplayGuard } from '../../bot/core/ports/replay-guard.ts';

export class RedisReplayGuard implements ReplayGuard {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    const set = await this.#redis.set(`${this.#prefix}:seen:${key}`, '1', 'EX', ttlSeconds, 'NX');
    return set === 'OK';
  }
}
