/**
 * All chat output goes through the notify queue: the core's notifier only adds a job per
 * platform, and workers deliver it through that platform's notifier and outbox (pacing,
 * 429 Retry-After, digests, done-keys). So a burst queues instead of failing, a slow or
 * throttled platform never holds up a decision, and a crashed worker's deliveries are retried
 * without posting twice. Job ids are deterministic: the same change enqueued twice (a
 * replayed transition, two replicas) is one job.
 */
import { createHash } from 'node:crypto';
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { SecurityAlert } from '../bot/core/domain/alert.ts';
import { occurrenceOf } from '../bot/core/domain/audiences.ts';
import type { AccessRequest } from '../bot/core/domain/request.ts';
import type { Review, ReviewChange } from '../bot/core/domain/review.ts';
import { type ChatPlatform, RetryLater } from '../bot/core/ports/chat.ts';
import type { Integrity } from '../bot/core/ports/integrity.ts';
import type { Logger } from '../bot/core/ports/logger.ts';
import type { Notifier, RequestChange } from '../bot/core/ports/notifier.ts';
import type { RequestStore } from '../bot/core/ports/request-store.ts';
import type { ReviewStore } from '../bot/core/ports/review-store.ts';
import { checkJob, sealJob } from './payload-seal.ts';
import { ignoreQueueErrors, logWorkerErrors } from './worker-close.ts';

export const NOTIFY_QUEUE = 'elevate-notify';

/** `mac`: the payload's seal (payload-seal.ts) over its JSON, when queued with a key. */
export type NotifyJob = { readonly mac?: string } & (
  | {
      readonly type: 'change';
      readonly platform: ChatPlatform;
      readonly requestId: string;
      readonly change: RequestChange;
      readonly occurrence: string;
    }
  | {
      readonly type: 'alert';
      readonly platform: ChatPlatform;
      readonly alert: SecurityAlert;
      readonly occurrence: string;
    }
  | {
      readonly type: 'review';
      readonly platform: ChatPlatform;
      readonly reviewId: string;
      readonly change: ReviewChange;
    }
  | { readonly type: 'digest'; readonly platform: ChatPlatform; readonly channel: string }
);

/** A platform's notifier, which also posts a digest of one-line messages. */
export interface PlatformDelivery extends Notifier {
  /** Posts the lines waiting for `channel` as one message; false when there were none. */
  flushDigest(channel: string): Promise<boolean>;
}

const OPTIONS = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400 },
} as const;

const safeId = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

/** The core's Notifier in production: one job per platform and change. */
export class NotifyQueue implements Notifier {
  readonly #queue: Queue<NotifyJob>;
  readonly #platforms: readonly ChatPlatform[];
  readonly #now: () => number;
  readonly #seal: Integrity | undefined;

  /** With `seal`, every payload is sealed; a worker given the same key refuses any other. */
  constructor(
    queue: Queue<NotifyJob>,
    platforms: readonly ChatPlatform[],
    now = Date.now,
    seal?: Integrity,
  ) {
    this.#queue = queue;
    this.#platforms = platforms;
    this.#now = now;
    this.#seal = seal;
  }

  #sealed(name: string, jobId: string, data: NotifyJob): NotifyJob {
    if (!this.#seal) return data;
    return { ...data, mac: sealJob(this.#seal, NOTIFY_QUEUE, name, jobId, JSON.stringify(data)) };
  }

  async requestChanged(request: AccessRequest, change: RequestChange): Promise<void> {
    const occurrence = occurrenceOf(request, change);
    await this.#queue.addBulk(
      this.#platforms.map((platform) => {
        const jobId = `notify-${platform}-${occurrence}`;
        const data: NotifyJob = {
          type: 'change',
          platform,
          requestId: request.id,
          change,
          occurrence,
        };
        return {
          name: 'change',
          data: this.#sealed('change', jobId, data),
          opts: { ...OPTIONS, jobId },
        };
      }),
    );
  }

  async securityAlert(alert: SecurityAlert): Promise<void> {
    // The alert's cooldown already decided this is worth saying; this id only makes a retried
    // enqueue of the same scan result one job.
    const occurrence = `alert-${safeId(alert.key)}-${Math.floor(this.#now() / 60_000)}`;
    await this.#queue.addBulk(
      this.#platforms.map((platform) => {
        const jobId = `${platform}-${occurrence}`;
        const data: NotifyJob = { type: 'alert', platform, alert, occurrence };
        return {
          name: 'alert',
          data: this.#sealed('alert', jobId, data),
          opts: { ...OPTIONS, jobId },
        };
      }),
    );
  }

  /** One job per platform and review version: the same change enqueued twice is one job. */
  async reviewChanged(review: Review, change: ReviewChange): Promise<void> {
    await this.#queue.addBulk(
      this.#platforms.map((platform) => {
        const jobId = `review-${platform}-${review.id}-v${review.version}-${change}`;
        const data: NotifyJob = { type: 'review', platform, reviewId: review.id, change };
        return {
          name: 'review',
          data: this.#sealed('review', jobId, data),
          opts: { ...OPTIONS, jobId },
        };
      }),
    );
  }

  /**
   * One flush per channel and 5-second window: a burst schedules it once; lines that arrive
   * while a flush runs get the next window's. A flush that finds nothing posts nothing.
   */
  async scheduleDigest(platform: ChatPlatform, channel: string, at: number): Promise<void> {
    const jobId = `digest-${platform}-${safeId(channel)}-${Math.floor(at / 5_000)}`;
    await this.#queue.add(
      'digest',
      this.#sealed('digest', jobId, { type: 'digest', platform, channel }),
      { ...OPTIONS, jobId, delay: Math.max(0, at - this.#now()) },
    );
  }

  async depth(): Promise<number> {
    return this.#queue.getJobCountByTypes('waiting', 'delayed', 'active');
  }
}

export function notifyQueue(connection: Redis | Cluster, prefix: string): Queue<NotifyJob> {
  const queue = new Queue<NotifyJob>(NOTIFY_QUEUE, { connection, prefix });
  ignoreQueueErrors(queue);
  return queue;
}

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
