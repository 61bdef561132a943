import { Redis } from 'ioredis';

/**
 * A client for request handling: commands fail fast while Redis is unreachable instead of
 * queueing, so a user hears "try again" at once and nothing is half-done later.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
  });
}
