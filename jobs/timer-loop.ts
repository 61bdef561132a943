/**
 * Runs the request timers in this process when the sandbox has no Redis: the same
 * processors BullMQ would run, polled from the in-memory scheduler, with the same attempt
 * limits and a short backoff. Fine for one demo process; production uses BullMQ.
 */
import { UnrecoverableError } from 'bullmq';
import type { Logger } from '../bot/core/ports/logger.ts';
import type { JobName, Scheduler } from '../bot/core/ports/scheduler.ts';
import type { CoreDeps } from '../bot/core/usecases/deps.ts';
import { ATTEMPTS, jobId } from './names.ts';
import { NotYet, processRequestJob } from './processors.ts';

/** A scheduler that hands back what is due (the in-memory one). */
export interface DueScheduler extends Scheduler {
  takeDue(now: number): readonly { readonly job: JobName; readonly requestId: string }[];
}

const TICK_MS = 250;
const BACKOFF_MS = 1_000;

export function startTimerLoop(deps: CoreDeps, scheduler: DueScheduler, log: Logger): () => void {
  const attempts = new Map<string, number>();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const due of scheduler.takeDue(deps.clock.now())) {
        const id = jobId(due.job, due.requestId);
        const made = attempts.get(id) ?? 0;
        const last = made + 1 >= ATTEMPTS[due.job];
        try {
          await processRequestJob(deps, due.job, due.requestId, { retry: made > 0, last });
          attempts.delete(id);
        } catch (error) {
          if (error instanceof NotYet) {
            attempts.delete(id);
            await scheduler.schedule(due.job, due.requestId, error.at);
            continue;
          }
          const message = error instanceof Error ? error.message : String(error);
          log.warn({ job: due.job, requestId: due.requestId, err: message }, 'job attempt failed');
          if (error instanceof UnrecoverableError || last) {
            attempts.delete(id);
            continue;
          }
          attempts.set(id, made + 1);
          await scheduler.schedule(
            due.job,
            due.requestId,
            deps.clock.now() + BACKOFF_MS * 2 ** made,
          );
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), TICK_MS);
  return () => clearInterval(timer);
}
