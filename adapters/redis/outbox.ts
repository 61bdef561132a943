/**
 * The outbox on Redis, shared by every worker: done-keys, the pace of each channel and
 * platform (one Lua script reserves the next free slot for both), and the digest lists. A
 * digest is flushed by a delayed notify job (`digest-<platform>-<channel>`), scheduled once.
 */

import {
  type ChatPlatform,
  type Outbox,
  type RateLimitReader,
  RetryLater,
  type Send,
} from '../../bot/core/ports/chat.ts';
import type { RedisClient } from './scripts.ts';

export interface Pace {
  /** Minimum gap between two messages to one channel, ms. */
  readonly channelMs: number;
  /** Minimum gap between two messages of the platform as a whole, ms. */
  readonly platformMs: number;
}

/**
 * Slack: ~1 message/s per channel. Teams: 7/s and 8 per 2 s per conversation, ~50/s per app.
 * The console is local and has no limits.
 */
export const PACE: Readonly<Record<ChatPlatform, Pace>> = {
  slack: { channelMs: 1_000, platformMs: 20 },
  teams: { channelMs: 250, platformMs: 20 },
  sandbox: { channelMs: 0, platformMs: 0 },
};

export interface RedisOutboxOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly pace?: Partial<Record<ChatPlatform, Pace>>;
  /** A message that would wait longer than this goes into the digest (if it can). */
  readonly digestAfterMs?: number;
  /** The longest a send waits in place for its slot; longer, and the job retries later. */
  readonly maxWaitMs?: number;
  readonly rateLimit: RateLimitReader;
  /** Makes sure one flush of the channel's digest is scheduled for `at`. */
  readonly scheduleDigest: (platform: ChatPlatform, channel: string, at: number) => Promise<void>;
  readonly now?: () => number;
}

const DONE_TTL_SECONDS = 14 * 86_400;

// Decides, atomically for every worker, what a message does: take the channel's next free
// slot (0, ms to wait), go into the digest (1, ms until the channel is free) or come back later
// (2, ms). The platform's own pace is reserved from now, independent of the channel, so one
// busy channel does not hold up the others.
// KEYS: channel pace, platform pace. ARGV: now, channel gap, platform gap, digestible (0/1),
// digest after ms, max wait ms.
const RESERVE = `
local now = tonumber(ARGV[1])
local channelFree = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local platformFree = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
local slot = math.max(channelFree, platformFree)
local wait = slot - now
if ARGV[4] == '1' and wait > tonumber(ARGV[5]) then return {1, wait} end
if wait > tonumber(ARGV[6]) then return {2, wait} end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[2]), 'PX', wait + tonumber(ARGV[2]) + 60000)
redis.call('SET', KEYS[2], platformFree + tonumber(ARGV[3]), 'PX', platformFree - now + tonumber(ARGV[3]) + 60000)
return {0, wait}`;

// Pushes the channel's next free slot to at least ARGV[1] (a 429's Retry-After).
const BLOCK = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;

export class RedisOutbox implements Outbox {
  readonly #o: RedisOutboxOptions;
  readonly #now: () => number;

  constructor(options: RedisOutboxOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async send(message: Send, post: () => Promise<void>): Promise<boolean> {
    const { redis } = this.#o;
    const done = message.once ? this.#key('sent', message.platform, message.once) : null;
    if (done && (await redis.exists(done))) return false;
    const [action, wait] = await this.#reserve(message);
    if (action === 'digest' && message.digest !== undefined) {
      await redis.rpush(this.digestKey(message.platform, message.channel), message.digest);
      await this.#o.scheduleDigest(message.platform, message.channel, this.#now() + wait);
      if (done) await redis.set(done, 'digest', 'EX', DONE_TTL_SECONDS);
      return false;
    }
    if (action === 'later')
      throw new RetryLater(wait, `${message.platform} channel ${message.channel} is busy`);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      await post();
    } catch (error) {
      const retryAfter = this.#o.rateLimit(error);
      if (retryAfter === null) throw error;
      await this.#block(message.platform, message.channel, this.#now() + retryAfter);
      throw new RetryLater(
        retryAfter,
        `${message.platform} rate-limited channel ${message.channel}`,
      );
    }
    if (done) await redis.set(done, 'sent', 'EX', DONE_TTL_SECONDS);
    return true;
  }

  /** Takes up to `max` lines of a channel's digest; `commit` removes them once posted. */
  async takeDigest(
    platform: ChatPlatform,
    channel: string,
    max = 50,
  ): Promise<{ lines: string[]; more: boolean; commit(): Promise<void> }> {
    const key = this.digestKey(platform, channel);
    const lines = await this.#o.redis.lrange(key, 0, max - 1);
    const total = await this.#o.redis.llen(key);
    return {
      lines,
      more: total > lines.length,
      commit: async () => void (await this.#o.redis.ltrim(key, lines.length, -1)),
    };
  }

  digestKey(platform: ChatPlatform, channel: string): string {
    return this.#key('digest', platform, channel);
  }

  async #reserve(message: Send): Promise<['send' | 'digest' | 'later', number]> {
    const pace = this.#o.pace?.[message.platform] ?? PACE[message.platform];
    const [action, wait] = (await this.#o.redis.eval(
      RESERVE,
      2,
      this.#key('pace', message.platform, message.channel),
      this.#key('pace', message.platform, '*'),
      this.#now(),
      pace.channelMs,
      pace.platformMs,
      message.digest === undefined ? 0 : 1,
      this.#o.digestAfterMs ?? 3_000,
      this.#o.maxWaitMs ?? 10_000,
    )) as [number, number];
    return [action === 0 ? 'send' : action === 1 ? 'digest' : 'later', Number(wait)];
  }

  async #block(platform: ChatPlatform, channel: string, until: number): Promise<void> {
    const ttl = Math.max(1_000, until - this.#now() + 60_000);
    await this.#o.redis.eval(BLOCK, 1, this.#key('pace', platform, channel), until, ttl);
  }

  #key(kind: string, platform: ChatPlatform, id: string): string {
    return `${this.#o.prefix}:outbox:${kind}:${platform}:${id}`;
  }
}
