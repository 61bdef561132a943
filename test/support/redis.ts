/**
 * A real Redis for tests, with a fresh key prefix per call, so test files (and tests) never
 * see each other's keys and can run in parallel against one server. This is the only place
 * tests read REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface FreshRedis {
  readonly redis: Redis;
  readonly prefix: string;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

export interface FreshRedisOptions {
  /**
   * Shapes the prefix; `*` is replaced by random hex. `test-*` by default; a name in braces,
   * `{elevate-test-*}`, makes the prefix a Redis Cluster hash tag.
   */
  readonly name?: string;
  /**
   * Connect as a throw-away ACL user that may touch only keys under the prefix, so any key a
   * store reads or writes elsewhere (also from inside a Lua script) fails the test.
   */
  readonly confined?: boolean;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * What a production configuration needs to run on the test Redis: that Redis has no password
 * (REDIS_INSECURE says so on purpose) and a sealing key, random for each test process.
 */
export const TRUSTED_REDIS_ENV = {
  REDIS_INSECURE: 'true',
  ELEVATE_HMAC_KEY: randomBytes(32).toString('base64'),
} as const;

const connect = async (options: { username?: string; password?: string } = {}): Promise<Redis> => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, ...options });
  await redis.connect();
  return redis;
};

export async function freshRedis(options: FreshRedisOptions = {}): Promise<FreshRedis> {
  const prefix = (options.name ?? 'test-*').replace('*', randomBytes(6).toString('hex'));
  const admin = await connect();
  if (!options.confined) return { redis: admin, prefix, cleanup: () => removeAll(admin, prefix) };

  const username = `elevate-${randomBytes(6).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  await admin.call('ACL', 'SETUSER', username, 'on', `>${password}`, `~${glob(prefix)}:*`, '+@all');
  const redis = await connect({ username, password });
  return {
    redis,
    prefix,
    cleanup: async () => {
      await redis.quit();
      await admin.call('ACL', 'DELUSER', username);
      await removeAll(admin, prefix);
    },
  };
}

async function removeAll(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  await redis.quit();
}

/** Every key that starts with `<prefix>:`, found with SCAN (never KEYS). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${glob(prefix)}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** The prefix as a literal in a glob pattern. */
const glob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');
