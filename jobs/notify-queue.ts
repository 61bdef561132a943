/**
 * The producer side of the notify queue: the core's Notifier in production, which queues one
 * job per platform and change for the notify worker (notify.ts) to deliver. Apart from the
 * worker, so that a web process loads BullMQ only when it queues its first message.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { SecurityAlert } from '../bot/core/domain/alert.ts';
import { occurrenceOf } from '../bot/core/domain/audiences.ts';
import type { AccessRequest } from '../bot/core/domain/request.ts';
import type { Review, ReviewChange } from '../bot/core/domain/review.ts';
import type { ChatPlatform } from '../bot/core/ports/chat.ts';
import type { Integrity } from '../bot/core/ports/integrity.ts';
import type { Notifier, RequestChange } from '../bot/core/ports/notifier.ts';
import { type LazyQueue, lazyQueue } from './lazy-queue.ts';
import { sealJob } from './payload-seal.ts';

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
  readonly #queue: LazyQueue<NotifyJob>;
  readonly #platforms: readonly ChatPlatform[];
  readonly #now: () => number;
  readonly #seal: Integrity | undefined;

  /** With `seal`, every payload is sealed; a worker given the same key refuses any other. */
  constructor(
    queue: LazyQueue<NotifyJob>,
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
    await (await this.#queue.get()).addBulk(
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
    await (await this.#queue.get()).addBulk(
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
    await (await this.#queue.get()).addBulk(
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
    await (await this.#queue.get()).add(
      'digest',
      this.#sealed('digest', jobId, { type: 'digest', platform, channel }),
      { ...OPTIONS, jobId, delay: Math.max(0, at - this.#now()) },
    );
  }

  async depth(): Promise<number> {
    return (await this.#queue.get()).getJobCountByTypes('waiting', 'delayed', 'active');
  }
}

/** The notify queue, made on its first job (lazy-queue.ts). */
export const notifyQueue = (connection: Redis | Cluster, prefix: string): LazyQueue<NotifyJob> =>
  lazyQueue<NotifyJob>(NOTIFY_QUEUE, { connection, prefix });
