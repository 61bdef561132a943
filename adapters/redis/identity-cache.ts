import type { Principal } from '../../bot/core/domain/principal.ts';
import { type IdentityCache, ttlFor } from '../chat/identity-cache.ts';
import type { RedisClient } from './scripts.ts';

/**
 * `<prefix>:identity:<platform user key>` → the Entra user as JSON, or `null`;
 * `<prefix>:identity-zone:<platform user key>` → the user's time zone;
 * `<prefix>:chat-user:<platform>:<entra id>` → the chat user id as JSON, or `null`.
 */
export class RedisIdentityCache implements IdentityCache {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async get(key: string): Promise<Principal | null | undefined> {
    return this.#read<Principal | null>(`identity:${key}`);
  }

  async set(key: string, principal: Principal | null): Promise<void> {
    await this.#write(`identity:${key}`, principal);
  }

  async zone(key: string): Promise<string | undefined> {
    const zone = await this.#read<unknown>(`identity-zone:${key}`);
    return typeof zone === 'string' ? zone : undefined;
  }

  async setZone(key: string, zone: string): Promise<void> {
    await this.#write(`identity-zone:${key}`, zone);
  }

  async chatUser(key: string): Promise<string | null | undefined> {
    return this.#read<string | null>(`chat-user:${key}`);
  }

  async setChatUser(key: string, chatUserId: string | null): Promise<void> {
    await this.#write(`chat-user:${key}`, chatUserId);
  }

  async #read<T>(key: string): Promise<T | undefined> {
    const value = await this.#redis.get(`${this.#prefix}:${key}`);
    return value === null ? undefined : (JSON.parse(value) as T);
  }

  async #write(key: string, value: unknown): Promise<void> {
    await this.#redis.set(`${this.#prefix}:${key}`, JSON.stringify(value), 'EX', ttlFor(value));
  }
}
