import type { ConversationRefs } from '../chat/conversation-refs.ts';
import type { RedisClient } from './scripts.ts';

/** Refreshed on every message; a user silent for half a year is reached via TEAMS_SERVICE_URL again. */
const TTL_SECONDS = 180 * 86_400;

export class RedisConversationRefs implements ConversationRefs {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async save(userObjectId: string, reference: unknown): Promise<void> {
    await this.#redis.set(this.#key(userObjectId), JSON.stringify(reference), 'EX', TTL_SECONDS);
  }

  async get(userObjectId: string): Promise<unknown | null> {
    const found = await this.#redis.get(this.#key(userObjectId));
    return found === null ? null : (JSON.parse(found) as unknown);
  }

  #key(userObjectId: string): string {
    return `${this.#prefix}:convref:${userObjectId}`;
  }
}
