import { randomBytes } from 'node:crypto';
import type { RedisClient } from './scripts.ts';

/**
 * A random key every replica shares: made by whoever asks first (SET NX), then read by all.
 * For signing short-lived links; losing it (a Redis wipe) only invalidates links in flight.
 */
export function sharedKey(redis: RedisClient, prefix: string, name: string): () => Promise<Buffer> {
  let cached: Buffer | null = null;
  return async () => {
    if (cached) return cached;
    const key = `${prefix}:key:${name}`;
    await redis.set(key, randomBytes(32).toString('base64'), 'NX');
    const value = await redis.get(key);
    if (!value) throw new Error(`shared key ${name} is missing from Redis`);
    cached = Buffer.from(value, 'base64');
    return cached;
  };
}
