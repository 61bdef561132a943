import type { Principal } from '../../bot/core/domain/principal.ts';
import { type IdentityCache, ttlFor } from '../chat/identity-cache.ts';
import { type Integrity, processIntegrity } from '../integrity.ts';
import type { RedisClient } from './scripts.ts';
import { openValue, sealValue } from './sealed-value.ts';

/**
 * `<prefix>:identity:<platform user key>` → the Entra user, or `null`;
 * `<prefix>:identity-zone:<platform user key>` → the user's time zone;
 * `<prefix>:chat-user:<platform>:<entra id>` → the chat user id, or `null`.
 *
 * Each value is stored as `<seal>.<{"exp":…,"v":…}>`: the seal is an HMAC over the key and the
 * JSON, and `exp` is when the entry stops counting whatever Redis's TTL says. An entry whose
 * seal does not check (say one `SET` that maps a bystander's chat id to an approver) is
 * reported and read as a miss, so the user is looked up afresh; a `PERSIST` on a real entry
 * does not stretch it past its hour.
 */
export class RedisIdentityCache implements IdentityCache {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #key: Integrity;
  readonly #now: () => number;

  /** `key` defaults to this process's random one: fine for tests, never for shared data. */
  constructor(
    redis: RedisClient,
    prefix: string,
    key: Integrity = processIntegrity(),
    now: () => number = Date.now,
  ) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#key = key;
    this.#now = now;
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
    const name = `${this.#prefix}:${key}`;
    const stored = await this.#redis.get(name);
    if (stored === null) return undefined;
    const body = openValue(this.#key, name, stored);
    if (body === null) {
      this.#key.refused({ kind: 'identity', name, problem: 'its seal does not match its content' });
      return undefined;
    }
    const entry = JSON.parse(body) as { exp: number; v: T };
    return entry.exp > this.#now() ? entry.v : undefined;
  }

  async #write(key: string, value: unknown): Promise<void> {
    const name = `${this.#prefix}:${key}`;
    const ttl = ttlFor(value);
    const body = JSON.stringify({ exp: this.#now() + ttl * 1000, v: value });
    await this.#redis.set(name, sealValue(this.#key, name, body), 'EX', ttl);
  }
}
