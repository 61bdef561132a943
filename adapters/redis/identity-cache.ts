import type { Redis } from 'ioredis';
import type { Principal } from '../../bot/core/domain/principal.ts';
import {
  IDENTITY_TTL_SECONDS,
  type IdentityCache,
  UNKNOWN_IDENTITY_TTL_SECONDS,
} from '../chat/identity-cache.ts';

/** `<prefix>:identity:<platform user key>` → the Entra user as JSON, or `null`. */
export class RedisIdentityCache implements IdentityCache {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async get(key: string): Promise<Principal | null | undefined> {
    const value = await this.#redis.get(`${this.#prefix}:identity:${key}`);
    return value === null ? undefined : (JSON.parse(value) as Principal | null);
  }

  async set(key: string, principal: Principal | null): Promise<void> {
    const ttl = principal ? IDENTITY_TTL_SECONDS : UNKNOWN_IDENTITY_TTL_SECONDS;
    await this.#redis.set(`${this.#prefix}:identity:${key}`, JSON.stringify(principal), 'EX', ttl);
  }
}
