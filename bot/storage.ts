/**
 * Where requests, the audit trail and timers live: Redis in production (and in the sandbox when
 * Redis is reachable), or memory for the sandbox without Redis. The composition root asks for
 * one and builds the same core on either.
 */
import { MemoryMessageRefs, type MessageRefs } from '../adapters/chat/message-refs.ts';
import { MemoryAuditLog } from '../adapters/memory/audit-log.ts';
import { MemoryRequestStore } from '../adapters/memory/request-store.ts';
import { MemoryScheduler } from '../adapters/memory/scheduler.ts';
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { openRedis, type RedisClient } from '../adapters/redis/connection.ts';
import { RedisMessageRefs } from '../adapters/redis/message-refs.ts';
import { RedisRequestStore } from '../adapters/redis/request-store.ts';
import { BullScheduler } from '../jobs/scheduler.ts';
import type { Config } from './config.ts';
import type { AuditLog } from './core/ports/audit-log.ts';
import type { Clock } from './core/ports/clock.ts';
import type { Logger } from './core/ports/logger.ts';
import type { RequestStore } from './core/ports/request-store.ts';
import type { ReadinessCheck } from './server.ts';
import { within } from './shutdown.ts';

interface Common {
  readonly store: RequestStore;
  readonly audit: AuditLog;
  readonly refs: MessageRefs;
  readonly checks: readonly ReadinessCheck[];
  close(): Promise<void>;
}

export interface RedisStorage extends Common {
  readonly kind: 'redis';
  readonly scheduler: BullScheduler;
  /** A server, or a Redis Cluster when REDIS_CLUSTER_NODES is set. */
  readonly redis: RedisClient;
  /** BullMQ's connection: no retry limit, offline queue on (BullMQ's requirement). */
  readonly queueConnection: RedisClient;
  readonly prefix: string;
  /** A fresh connection for one more BullMQ worker; closed with the storage. */
  workerConnection(): RedisClient;
}

export interface MemoryStorage extends Common {
  readonly kind: 'memory';
  readonly scheduler: MemoryScheduler;
}

export type Storage = RedisStorage | MemoryStorage;

export async function redisStorage(
  config: Config,
  log: Logger,
  clock: Clock,
): Promise<RedisStorage> {
  const connections = openRedis(config.redis);
  const redis = connections.client;
  // Said once per outage, not at every reconnect attempt.
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log.warn({ err: error.message }, 'redis unavailable; retrying until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis reachable again');
    down = false;
  });
  await redis.connect();
  const queueConnection = connections.queue;
  queueConnection.on('error', () => {});
  const prefix = config.redis.prefix;
  const scheduler = new BullScheduler(queueConnection, prefix, clock);
  return {
    kind: 'redis',
    store: new RedisRequestStore(redis, prefix),
    audit: new RedisAuditLog(redis, prefix),
    refs: new RedisMessageRefs(redis, prefix),
    scheduler,
    redis,
    queueConnection,
    prefix,
    workerConnection: () => {
      const connection = connections.worker();
      connection.on('error', () => {});
      return connection;
    },
    checks: [
      { name: 'redis', check: async () => void (await redis.ping()) },
      { name: 'queues', check: async () => void (await scheduler.depth()) },
    ],
    async close() {
      // Bounded: with Redis down, closing the queues would wait for it forever.
      await within(scheduler.close(), 500);
      connections.disconnect();
    },
  };
}

export function memoryStorage(): MemoryStorage {
  const audit = new MemoryAuditLog();
  return {
    kind: 'memory',
    store: new MemoryRequestStore(audit),
    audit,
    refs: new MemoryMessageRefs(),
    scheduler: new MemoryScheduler(),
    checks: [],
    close: async () => {},
  };
}
