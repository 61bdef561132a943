import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { type ChatPlatform, RetryLater } from '../bot/core/ports/chat.ts';
import type { Integrity } from '../bot/core/ports/integrity.ts';
import type { Logger } from '../bot/core/ports/logger.ts';
import type { RequestStore } from '../bot/core/ports/request-store.ts';
import type { ReviewStore } from '../bot/core/ports/review-store.ts';
import { NOTIFY_QUEUE, type NotifyJob, type PlatformDelivery } from './notify-queue.ts';
import { checkJob } from './payload-seal.ts';
import { logWorkerErrors } from './worker-close.ts';

export type { PlatformDelivery } from './notify-queue.ts';

export interface NotifyWorkerOptions {
  readonly connection: Redis | Cluster;
  readonly prefix: string;
  readonly store: RequestStore;
  /** Where review jobs find the review they announce; absent: review jobs are dropped. */
  readonly reviews?: ReviewStore;
  readonly platforms: ReadonlyMap<ChatPlatform, PlatformDelivery>;
  readonly log: Logger;
  readonly concurrency?: number;
  /** Refuse, undelivered, every job whose payload was not sealed with this key. */
  readonly seal?: Integrity;
}

export function startNotifyWorker(o: NotifyWorkerOptions): Worker<NotifyJob> {
  const worker = new Worker<NotifyJob>(
    NOTIFY_QUEUE,
    async (job, token) => {
      if (o.seal) {
        const { mac, ...payload } = job.data;
        if (!checkJob(o.seal, NOTIFY_QUEUE, job, JSON.stringify(payload), mac))
          throw new UnrecoverableError('notify payload failed its integrity check: not delivered');
      }
      try {
        await deliver(o, job);
      } catch (error) {
        if (!(error instanceof RetryLater)) throw error;
        // Rate limited: come back when the channel is free, without spending an attempt.
        o.log.info({ job: job.id, ms: error.ms }, error.message);
        await job.moveToDelayed(Date.now() + error.ms, token);
        throw new DelayedError();
      }
    },
    { connection: o.connection, prefix: o.prefix, concurrency: o.concurrency ?? 20 },
  );
  worker.on('failed', (job, error) =>
    o.log.warn({ job: job?.id, attempt: job?.attemptsMade, err: error.message }, 'notify failed'),
  );
  logWorkerErrors(worker, o.log, 'notify worker');
  return worker;
}

async function deliver(o: NotifyWorkerOptions, job: Job<NotifyJob>): Promise<void> {
  const data = job.data;
  const platform = o.platforms.get(data.platform);
  if (!platform) return;
  switch (data.type) {
    case 'change': {
      // Cards are projections: render the request as it is now, not as it was when queued.
      const request = await o.store.get(data.requestId);
      if (request) await platform.requestChanged(request, data.change, data.occurrence);
      return;
    }
    case 'alert':
      return platform.securityAlert(data.alert, data.occurrence);
    case 'review': {
      const review = await o.reviews?.get(data.reviewId);
      if (review) await platform.reviewChanged(review, data.change);
      return;
    }
    case 'digest': {
      const flushed = await platform.flushDigest(data.channel);
      if (flushed) o.log.info({ platform: data.platform, channel: data.channel }, 'digest posted');
      return;
    }
  }
}
