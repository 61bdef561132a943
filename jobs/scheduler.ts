/**
 * The Scheduler port on BullMQ: a delayed job per timer with a deterministic id, so a replay,
 * a retry or a second replica never schedules the same timer twice.
 */
import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Clock } from '../bot/core/ports/clock.ts';
import type { Integrity } from '../bot/core/ports/integrity.ts';
import type { JobName, Scheduler } from '../bot/core/ports/scheduler.ts';
import { ATTEMPTS, type JobData, jobId, queueName, REQUEST_JOBS } from './names.ts';
import { sealJob } from './payload-seal.ts';
import { ignoreQueueErrors } from './worker-close.ts';

/**
 * Entries kept in each queue's event stream (BullMQ keeps 10,000 by default, about 130 bytes
 * each). Nothing here listens to queue events; the last few are enough to look at by hand,
 * and at 10,000 grants the default cost 260 bytes per grant.
 */
const EVENTS_KEPT = 100;

export class BullScheduler implements Scheduler {
  readonly #queues: ReadonlyMap<JobName, Queue<JobData>>;
  readonly #clock: Clock;
  readonly #seal: Integrity | undefined;

  /** With `seal`, every payload is sealed; workers given the same key refuse any other. */
  constructor(connection: Redis | Cluster, prefix: string, clock: Clock, seal?: Integrity) {
    this.#clock = clock;
    this.#seal = seal;
    this.#queues = new Map(
      REQUEST_JOBS.map((job) => {
        const queue = new Queue<JobData>(queueName(job), {
          connection,
          prefix,
          streams: { events: { maxLen: EVENTS_KEPT } },
        });
        ignoreQueueErrors(queue);
        return [job, queue];
      }),
    );
  }

  async schedule(job: JobName, requestId: string, runAt: number): Promise<void> {
    const id = jobId(job, requestId);
    const mac = this.#seal && sealJob(this.#seal, queueName(job), job, id, requestId);
    await this.#queue(job).add(job, mac ? { requestId, mac } : { requestId }, {
      jobId: id,
      delay: Math.max(0, runAt - this.#clock.now()),
      attempts: ATTEMPTS[job],
      backoff: { type: 'capped' },
      // Completed timers go, so an extended grant can schedule its expire again; failed ones
      // stay a week for inspection.
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400 },
    });
  }

  async cancel(job: JobName, requestId: string): Promise<void> {
    // A running job is locked and stays; its processor re-reads the request and does nothing.
    await this.#queue(job).remove(jobId(job, requestId));
  }

  /** Jobs waiting or delayed across all request queues (for /metrics and /readyz). */
  async depth(): Promise<number> {
    const counts = await Promise.all(
      [...this.#queues.values()].map((q) => q.getJobCountByTypes('waiting', 'delayed', 'active')),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
  }

  #queue(job: JobName): Queue<JobData> {
    const queue = this.#queues.get(job);
    if (!queue) throw new Error(`no queue for job ${job}`);
    return queue;
  }
}
