import type { ConversationRefs } from '../chat/conversation-refs.ts';
import { type Integrity, processIntegrity } from '../integrity.ts';
import type { RedisClient } from './scripts.ts';
import { openValue, sealValue } from './sealed-value.ts';

/** Refreshed on every message; a user silent for half a year is reached via TEAMS_SERVICE_URL again. */
const TTL_SECONDS = 180 * 86_400;

/**
 * Sealed (sealed-value.ts): a reference carries the `serviceUrl` the bot sends its Bot Framework
 * token to, so one rewritten in Redis is refused, reported and read as no reference.
 */
export class RedisConversationRefs implements ConversationRefs {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #seal: Integrity;

  /** `seal` defaults to this process's random key: fine for tests, never for shared data. */
  constructor(redis: RedisClient, prefix: string, seal: Integrity = processIntegrity()) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#seal = seal;
  }

  async save(userObjectId: string, reference: unknown): Promise<void> {
    const name = this.#key(userObjectId);
    const value = sealValue(this.#seal, name, JSON.stringify(reference));
    await this.#redis.set(name, value, 'EX', TTL_SECONDS);
  }

  async get(userObjectId: string): Promise<unknown | null> {
    const name = this.#key(userObjectId);
    const found = await this.#redis.get(name);
    if (found === null) return null;
    const json = openValue(this.#seal, name, found);
    if (json !== null) return JSON.parse(json) as unknown;
    this.#seal.refused({
      kind: 'conversation',
      name,
      problem: 'its seal does not match its content',
    });
    return null;
  }

  #key(userObjectId: string): string {
    return `${this.#prefix}:convref:${userObjectId}`;
  }
}
