/**
 * Eligibility reviews on Redis. `<prefix>:review:<id>` is a hash: `v` the version and `d` the
 * review as sealed JSON (sealed-value.ts), so a review edited in Redis is refused, never acted
 * on. `<prefix>:reviews` scores every review id by createdAt; `<prefix>:reviews:open` holds the
 * open ones. Create and update are one script each (compare-and-set on `v`); every key shares
 * the prefix, so on Redis Cluster they share its hash slot.
 */
import type { Review } from '../../bot/core/domain/review.ts';
import type { ReviewStore } from '../../bot/core/ports/review-store.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import type { Integrity } from '../integrity.ts';
import type { RedisClient } from './scripts.ts';
import { openValue, sealValue } from './sealed-value.ts';

/** Closed reviews are kept this long, for `/elevate review history` and audits. */
const KEEP_SECONDS = 2 * 365 * 86_400;

// KEYS: review, all, open. ARGV: expected version ('0': new), version, sealed json, createdAt,
// open ('1'/'0'), ttl, id.
const WRITE = `
local v = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '0' then
  if v then return 'exists' end
elseif v ~= ARGV[1] then
  return 'conflict'
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[7])
if ARGV[5] == '1' then
  redis.call('SADD', KEYS[3], ARGV[7])
else
  redis.call('SREM', KEYS[3], ARGV[7])
end
return 'ok'
`;

export class RedisReviewStore implements ReviewStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #seal: Integrity;

  constructor(redis: RedisClient, prefix: string, seal: Integrity) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#seal = seal;
  }

  async create(review: Review): Promise<Result<Review, 'exists'>> {
    return (await this.#write(review, '0')) === 'ok' ? ok(review) : err('exists');
  }

  async get(id: string): Promise<Review | null> {
    const name = this.#key(id);
    return this.#open(name, await this.#redis.hget(name, 'd'));
  }

  async update(next: Review): Promise<Result<Review, 'conflict'>> {
    return (await this.#write(next, String(next.version - 1))) === 'ok'
      ? ok(next)
      : err('conflict');
  }

  async listOpen(): Promise<readonly Review[]> {
    const ids = await this.#redis.smembers(`${this.#prefix}:reviews:open`);
    const reviews = await this.#read(ids);
    return reviews.sort((a, b) => a.createdAt - b.createdAt);
  }

  async listRecent(limit: number): Promise<readonly Review[]> {
    const ids = await this.#redis.zrevrange(`${this.#prefix}:reviews`, 0, limit - 1);
    return this.#read(ids);
  }

  async #read(ids: readonly string[]): Promise<Review[]> {
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((r): r is Review => r !== null);
  }

  async #write(review: Review, expected: string): Promise<string> {
    const name = this.#key(review.id);
    const sealed = sealValue(this.#seal, name, JSON.stringify(review));
    const keys = [name, `${this.#prefix}:reviews`, `${this.#prefix}:reviews:open`];
    return String(
      await this.#redis.eval(
        WRITE,
        keys.length,
        ...keys,
        expected,
        String(review.version),
        sealed,
        String(review.createdAt),
        review.closedAt === null ? '1' : '0',
        String(KEEP_SECONDS),
        review.id,
      ),
    );
  }

  #open(name: string, stored: string | null): Review | null {
    if (stored === null) return null;
    const text = openValue(this.#seal, name, stored);
    if (text === null) {
      this.#seal.refused({ kind: 'review', name, problem: 'its seal does not match its content' });
      return null;
    }
    return JSON.parse(text) as Review;
  }

  #key(id: string): string {
    return `${this.#prefix}:review:${id}`;
  }
}
