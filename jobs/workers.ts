/**
 * BullMQ workers for the request timers. Processors carry only a request id and hand it to a
 * use case, which re-reads the request: running a job late, twice or on two workers at once
 * changes nothing more than running it once.
 */
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Integrity } from '../bot/core/ports/integrity.ts';
import type { Logger } from '../bot/core/ports/logger.ts';
import type { JobName } from '../bot/core/ports/scheduler.ts';
import type { CoreDeps } from '../bot/core/usecases/deps.ts';
import { ATTEMPTS, type JobData, queueName, REQUEST_JOBS } from './names.ts';
import { checkJob } from './payload-seal.ts';
import { NotYet, processRequestJob } from './processors.ts';
import { closeWorkers, logWorkerErrors } from './worker-close.ts';

export interface WorkerOptions {
  readonly connection: Redis | Cluster;
  readonly prefix: string;
  readonly log: Logger;
  /** Base and cap of the exponential backoff between attempts. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  readonly concurrency?: number;
  /**
   * How long a worker's claim on a running job lasts without renewal, and how often workers
   * look for jobs whose claim lapsed (their worker died). Together they bound how late a job
   * caught by a crash runs after another worker is up: 10 s + 5 s by default.
   */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** Refuse, unrun, every job whose payload was not sealed with this key (BullScheduler). */
  readonly seal?: Integrity;
}

export interface RequestWorkers {
  /** Lets running jobs finish for up to `graceMs` (default 5 s), then hands them back. */
  close(graceMs?: number): Promise<void>;
}

export function startRequestWorkers(deps: CoreDeps, options: WorkerOptions): RequestWorkers {
  const { baseMs, maxMs } = options.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 };
  const workers = REQUEST_JOBS.map(
    (name) =>
      new Worker<JobData>(queueName(name), (job, token) => run(deps, name, job, token, options), {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency ?? 10,
        lockDuration: options.lockDurationMs ?? 10_000,
        stalledInterval: options.stalledIntervalMs ?? 5_000,
        // A job whose worker died is run again (it is idempotent); give up only on a loop.
        maxStalledCount: 5,
        settings: {
          backoffStrategy: (attemptsMade: number) =>
            Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1)),
        },
      }),
  );
  for (const worker of workers) {
    worker.on('failed', (job, error) =>
      options.log.warn(
        {
          job: job?.name,
          jobId: job?.id,
          requestId: job?.data.requestId,
          attempt: job?.attemptsMade,
          err: error.message,
        },
        'job attempt failed',
      ),
    );
    logWorkerErrors(worker, options.log, 'worker');
  }
  const running = workers.map((worker) => ({ worker, connection: options.connection }));
  return { close: (graceMs = 5_000) => closeWorkers(running, graceMs) };
}

async function run(
  deps: CoreDeps,
  name: JobName,
  job: Job<JobData>,
  token: string | undefined,
  { log, seal }: WorkerOptions,
): Promise<void> {
  if (seal && !checkJob(seal, queueName(name), job, String(job.data.requestId), job.data.mac)) {
    throw new UnrecoverableError('job payload failed its integrity check: not run');
  }
  const last = job.attemptsMade + 1 >= (job.opts.attempts ?? ATTEMPTS[name]);
  // A job whose worker died (or was cut off at shutdown) runs again with attemptsMade unchanged
  // and stalledCounter raised: it is a retry all the same, and must resume what was begun.
  const retry = job.attemptsMade > 0 || job.stalledCounter > 0;
  const requestLog = log.child({ requestId: job.data.requestId, job: name });
  try {
    await processRequestJob(deps, name, job.data.requestId, { retry, last });
  } catch (error) {
    if (error instanceof UnrecoverableError) throw error;
    if (error instanceof NotYet) {
      requestLog.warn({ runAt: error.at }, 'timer ran before its request is due: it waits');
      // BullMQ keeps real time; the request's time is the use cases' clock.
      await job.moveToDelayed(Date.now() + Math.max(0, error.at - deps.clock.now()), token);
      throw new DelayedError();
    }
    requestLog.warn(
      { err: error instanceof Error ? error.message : String(error), last },
      'job failed',
    );
    throw error;
  }
}
