import type { JobName, Scheduler } from '../../bot/core/ports/scheduler.ts';

export interface ScheduledJob {
  readonly job: JobName;
  readonly requestId: string;
  readonly runAt: number;
}

/**
 * Records jobs by their deterministic id; `due(now)` hands back what should run. Scheduling
 * an id that is already waiting changes nothing, as in BullMQ.
 */
export class MemoryScheduler implements Scheduler {
  readonly #jobs = new Map<string, ScheduledJob>();

  async schedule(job: JobName, requestId: string, runAt: number): Promise<void> {
    const id = `${job}-${requestId}`;
    if (!this.#jobs.has(id)) this.#jobs.set(id, { job, requestId, runAt });
  }

  async cancel(job: JobName, requestId: string): Promise<void> {
    this.#jobs.delete(`${job}-${requestId}`);
  }

  /** Removes and returns the jobs due at `now`, earliest first. */
  takeDue(now: number): ScheduledJob[] {
    const due = [...this.#jobs.entries()]
      .filter(([, j]) => j.runAt <= now)
      .sort((a, b) => a[1].runAt - b[1].runAt);
    for (const [id] of due) this.#jobs.delete(id);
    return due.map(([, j]) => j);
  }

  pending(): ScheduledJob[] {
    return [...this.#jobs.values()];
  }
}
