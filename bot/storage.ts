/**
 * Where requests, the audit trail and timers live: Redis in production (and in the sandbox when
 * Redis is reachable), or memory for the sandbox without Redis. The composition root asks for
 * one and builds the same core on either.
 */
import { anchorText } from '../adapters/audit-chain.ts';
import { MemoryMessageRefs, type MessageRefs } from '../adapters/chat/message-refs.ts';
import { Integrity } from '../adapters/integrity.ts';
import { MemoryAuditLog } from '../adapters/memory/audit-log.ts';
import { MemoryRequestStore } from '../adapters/memory/request-store.ts';
import { MemoryReviewStore } from '../adapters/memory/review-store.ts';
import { MemoryScheduler } from '../adapters/memory/scheduler.ts';
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { openRedis, type RedisClient } from '../adapters/redis/connection.ts';
import { RedisMessageRefs } from '../adapters/redis/message-refs.ts';
import { RedisRequestStore } from '../adapters/redis/request-store.ts';
import { RedisReviewStore } from '../adapters/redis/review-store.ts';
import { BullScheduler } from '../jobs/scheduler.ts';
import type { Config } from './config.ts';
import type { AuditLog } from './core/ports/audit-log.ts';
import type { Clock } from './core/ports/clock.ts';
import type { Logger } from './core/ports/logger.ts';
import type { RequestStore } from './core/ports/request-store.ts';
import type { ReviewStore } from './core/ports/review-store.ts';
import type { ReadinessCheck } from './server.ts';
import { within } from './shutdown.ts';

interface Common {
  /** Seals records, cache entries and job payloads, keys the audit chain, hears refusals. */
  readonly integrity: Integrity;
  readonly store: RequestStore;
  readonly reviews: ReviewStore;
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
  const integrity = integrityFor(config);
  integrity.onRefusal((incident) =>
    log.error({ integrity: incident }, `refused a ${incident.kind} record that failed its seal`),
  );
  const audit = new RedisAuditLog(redis, prefix, integrity);
  // The head, outside Redis: a log line that the log pipeline (or SIEM) keeps, for
  // `npm run audit:verify --anchor-file` to hold the chain against.
  // Written at the configured level when that is above info, so LOG_LEVEL=warn keeps them.
  const level =
    config.logLevel === 'warn'
      ? 'warn'
      : config.logLevel === 'error' || config.logLevel === 'fatal'
        ? 'error'
        : 'info';
  audit.anchorTo({
    every: config.auditAnchorEvery,
    record: (head) => log[level]({ auditAnchor: anchorText(head) }, 'audit chain head'),
  });
  const scheduler = new BullScheduler(queueConnection, prefix, clock, integrity);
  return {
    kind: 'redis',
    integrity,
    store: new RedisRequestStore(redis, prefix, integrity),
    reviews: new RedisReviewStore(redis, prefix, integrity),
    audit,
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
      // The connection BullMQ's queues use answers. Not a job count: that would load BullMQ
      // on the first probe, which the server answers before it has (lazy-queue.ts).
      { name: 'queues', check: async () => void (await queueConnection.ping()) },
    ],
    async close() {
      // Bounded: with Redis down, closing the queues would wait for it forever.
      await within(scheduler.close(), 500);
      connections.disconnect();
    },
  };
}

/**
 * The configured key (ELEVATE_HMAC_KEY), or in the sandbox one derived from the prefix;
 * config.ts refuses production without a key.
 */
export function integrityFor(config: Pick<Config, 'hmacKey' | 'sandbox' | 'redis'>): Integrity {
  if (config.hmacKey) return Integrity.fromSecret(config.hmacKey);
  if (config.sandbox) return Integrity.sandbox(config.redis.prefix);
  throw new Error('ELEVATE_HMAC_KEY is missing: production needs a key to seal Redis with');
}

export function memoryStorage(): MemoryStorage {
  const integrity = Integrity.ephemeral();
  const audit = new MemoryAuditLog(integrity);
  return {
    kind: 'memory',
    integrity,
    store: new MemoryRequestStore(audit),
    reviews: new MemoryReviewStore(),
    audit,
    refs: new MemoryMessageRefs(),
    scheduler: new MemoryScheduler(),
    checks: [],
    close: async () => {},
  };
}
