/**
 * The Scheduler port on BullMQ: a delayed job per timer with a deterministic id, so a replay,
 * a retry or a second replica never schedules the same timer twice. A grant's reminder and
 * expiry, due in hours, wait in a sorted set until they are close (far-timers.ts); the
 * workers' hand-over loop makes them BullMQ jobs `handOverMs` before they are due.
 */
import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Clock } from '../bot/core/ports/clock.ts';
import type { Integrity } from '../bot/core/ports/integrity.ts';
import type { Logger } from '../bot/core/ports/logger.ts';
import type { JobName, Scheduler } from '../bot/core/ports/scheduler.ts';
import { FAR_JOBS, type FarTimer, FarTimers } from './far-timers.ts';
import { type LazyQueue, lazyQueue } from './lazy-queue.ts';
import { ATTEMPTS, type JobData, jobId, queueName, REQUEST_JOBS } from './names.ts';
import { sealJob } from './payload-seal.ts';

/**
 * Entries kept in each queue's event stream (BullMQ keeps 10,000 by default, about 130 bytes
 * each). Nothing here listens to queue events; the last few are enough to look at by hand,
 * and at 10,000 grants the default cost 260 bytes per grant.
 */
const EVENTS_KEPT = 100;

/** How far ahead of its time a far timer becomes a BullMQ job (and nearer ones go at once). */
export const HAND_OVER_MS = 60_000;

export interface SchedulerOptions {
  /** Default HAND_OVER_MS; the hand-over loop runs four times within it, at most every 5 s. */
  readonly handOverMs?: number;
}

export interface HandOverLoop {
  stop(): Promise<void>;
}

export class BullScheduler implements Scheduler {
  readonly #queues: ReadonlyMap<JobName, LazyQueue<JobData>>;
  readonly #clock: Clock;
  readonly #seal: Integrity | undefined;
  readonly #far: FarTimers;
  readonly #horizon: number;

  /** With `seal`, every payload is sealed; workers given the same key refuse any other. */
  constructor(
    connection: Redis | Cluster,
    prefix: string,
    clock: Clock,
    seal?: Integrity,
    options: SchedulerOptions = {},
  ) {
    this.#clock = clock;
    this.#seal = seal;
    this.#far = new FarTimers(connection, prefix, clock);
    this.#horizon = options.handOverMs ?? HAND_OVER_MS;
    // Made on first use (lazy-queue.ts): BullMQ loads after the server answers.
    this.#queues = new Map(
      REQUEST_JOBS.map((job) => [
        job,
        lazyQueue<JobData>(queueName(job), {
          connection,
          prefix,
          streams: { events: { maxLen: EVENTS_KEPT } },
        }),
      ]),
    );
  }

  async schedule(job: JobName, requestId: string, runAt: number): Promise<void> {
    if (FAR_JOBS.has(job)) {
      if (runAt - this.#clock.now() > this.#horizon) {
        await this.#far.add(job, requestId, runAt);
        return;
      }
      // Scheduled far before and not handed over yet: that one stands, as a job would.
      if (await this.#far.holds(job, requestId)) return;
    }
    await (await this.#queue(job)).add(
      job,
      this.#payload(job, requestId),
      this.#options(job, requestId, runAt),
    );
  }

  async cancel(job: JobName, requestId: string): Promise<void> {
    // Out of the set first: once it is, no hand-over can add the job behind our back.
    if (FAR_JOBS.has(job)) await this.#far.remove(job, requestId);
    // A running job is locked and stays; its processor re-reads the request and does nothing.
    await (await this.#queue(job)).remove(jobId(job, requestId));
  }

  /**
   * One pass of the hand-over: the far timers due within `handOverMs` become BullMQ jobs.
   * Returns how many did.
   */
  handOver(): Promise<number> {
    return this.#far.handOver(this.#clock.now() + this.#horizon, (timers) => this.#addAll(timers));
  }

  /** The hand-over in a loop, for the worker processes (any number of them at once). */
  startHandOver(log: Logger): HandOverLoop {
    const every = Math.min(5_000, Math.max(50, Math.floor(this.#horizon / 4)));
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let pass: Promise<void> = Promise.resolve();
    const run = () => {
      pass = this.handOver()
        .then(
          () => {},
          (error: Error) => log.warn({ err: error.message }, 'timer hand-over failed'),
        )
        .finally(() => {
          if (!stopped) timer = setTimeout(run, every);
        });
    };
    run();
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await pass;
      },
    };
  }

  /** Jobs waiting or delayed across all request queues, far timers included. */
  async depth(): Promise<number> {
    const counts = await Promise.all([
      this.#far.count(),
      ...REQUEST_JOBS.map(async (job) =>
        (await this.#queue(job)).getJobCountByTypes('waiting', 'delayed', 'active'),
      ),
    ]);
    return counts.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
  }

  async #addAll(timers: readonly FarTimer[]): Promise<void> {
    await Promise.all(
      REQUEST_JOBS.map(async (job) => {
        const mine = timers.filter((t) => t.job === job);
        if (mine.length === 0) return undefined;
        return (await this.#queue(job)).addBulk(
          mine.map((t) => ({
            name: job,
            data: this.#payload(job, t.requestId),
            opts: this.#options(job, t.requestId, t.runAt),
          })),
        );
      }),
    );
  }

  #payload(job: JobName, requestId: string): JobData {
    const mac =
      this.#seal && sealJob(this.#seal, queueName(job), job, jobId(job, requestId), requestId);
    return mac ? { requestId, mac } : { requestId };
  }

  #options(job: JobName, requestId: string, runAt: number) {
    return {
      jobId: jobId(job, requestId),
      delay: Math.max(0, runAt - this.#clock.now()),
      attempts: ATTEMPTS[job],
      backoff: { type: 'capped' },
      // Completed timers go, so an extended grant can schedule its expire again; failed ones
      // stay a week for inspection.
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400 },
    };
  }

  #queue(job: JobName): Promise<Queue<JobData>> {
    const queue = this.#queues.get(job);
    if (!queue) throw new Error(`no queue for job ${job}`);
    return queue.get();
  }
}
