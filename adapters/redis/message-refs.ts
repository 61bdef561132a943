import type { ChatPlatform } from '../../bot/core/ports/chat.ts';
import { claimKey, type MessageRef, type MessageRefs } from '../chat/message-refs.ts';
import type { RedisClient } from './scripts.ts';

/** Kept well past any grant's end so late updates (expiry, reconcile) still find their cards. */
const TTL_SECONDS = 90 * 86_400;

/**
 * `<prefix>:msg:<requestId>` is a hash: `claim|<platform>|<channel>|<kind>` fields are the
 * create-once claims (HSETNX), `ref|…` fields hold the posted message ids.
 */
export class RedisMessageRefs implements MessageRefs {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async claim(
    requestId: string,
    platform: ChatPlatform,
    channel: string,
    kind: MessageRef['kind'],
  ): Promise<boolean> {
    const key = this.#key(requestId);
    const [[, won]] = (await this.#redis
      .multi()
      .hsetnx(key, `claim|${claimKey(platform, channel, kind)}`, '1')
      .expire(key, TTL_SECONDS)
      .exec()) as [[Error | null, number]];
    return won === 1;
  }

  async release(
    requestId: string,
    platform: ChatPlatform,
    channel: string,
    kind: MessageRef['kind'],
  ): Promise<void> {
    await this.#redis.hdel(this.#key(requestId), `claim|${claimKey(platform, channel, kind)}`);
  }

  async save(requestId: string, ref: MessageRef): Promise<void> {
    const key = this.#key(requestId);
    await this.#redis
      .multi()
      .hset(
        key,
        `ref|${claimKey(ref.platform, ref.channel, ref.kind)}|${ref.messageId}`,
        JSON.stringify(ref),
      )
      .expire(key, TTL_SECONDS)
      .exec();
  }

  async list(requestId: string): Promise<readonly MessageRef[]> {
    const all = await this.#redis.hgetall(this.#key(requestId));
    return Object.entries(all)
      .filter(([field]) => field.startsWith('ref|'))
      .map(([, value]) => JSON.parse(value) as MessageRef);
  }

  #key(requestId: string): string {
    return `${this.#prefix}:msg:${requestId}`;
  }
}
