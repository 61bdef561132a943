/**
 * What the BullMQ workers and queues share: closing within a grace period, and keeping Redis
 * reconnect failures (several a second while Redis is down) out of the log.
 */
import type { Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../bot/core/ports/logger.ts';

type RedisClient = Redis | Cluster;

/** Connection failures: Redis is down or restarting; BullMQ and ioredis retry on their own. */
const CONNECTION =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Connection is closed|Stream isn't writeable|connect ETIMEDOUT|CLUSTERDOWN|MaxRetriesPerRequest/;

export function isConnectionError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && CONNECTION.test(code)) || CONNECTION.test(error.message);
}

/**
 * Queues report connection failures as 'error' events as well as by rejecting the command
 * that failed; the rejection reaches the caller and the storage's client reports the outage
 * once, so the events are not logged again (without a listener BullMQ prints each one).
 */
export function ignoreQueueErrors(queue: Queue): void {
  queue.on('error', () => {});
}

/** A worker and the connection it was given (which its owner closes). */
export interface RunningWorker {
  readonly worker: Worker;
  readonly connection: RedisClient;
}

/**
 * Logs a worker's errors, except connection failures: while Redis is down every reconnect
 * attempt fails, several times a second, and the storage's client already says once that
 * Redis is unreachable and once that it is back (bot/storage.ts).
 */
export function logWorkerErrors(worker: Worker, log: Logger, what: string): void {
  worker.on('error', (error) => {
    if (!isConnectionError(error)) log.error({ err: error.message }, `${what} error`);
  });
}

/**
 * Closes workers: each finishes its running jobs within `graceMs`; after that, or at once when
 * Redis is unreachable (a graceful close would wait for Redis forever), its connections are
 * cut. A job cut off this way stays claimed until its lock lapses, and then another worker
 * runs it again (BullMQ's stalled-job check, which the processors treat as a retry): nothing
 * is lost, and processors are idempotent, so nothing is done twice.
 */
export async function closeWorkers(workers: readonly RunningWorker[], graceMs: number) {
  await Promise.all(
    workers.map(async ({ worker, connection }) => {
      const closing = worker.close().then(() => 'closed' as const);
      const grace = connection.status === 'ready' ? graceMs : 0;
      if ((await within(closing, grace)) === 'closed') return;
      // Not awaited: BullMQ waits for the connection to be ready before it disconnects it.
      worker.disconnect().catch(() => {});
      await within(closing, 1_000);
    }),
  );
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
