/**
 * A BullMQ queue made on its first use. BullMQ (its Lua scripts, luxon, cron-parser, msgpackr:
 * about a third of the bundle) then loads when the first job is queued or counted, not while
 * the process starts: /readyz does not wait for it (docs/benchmarks.md, cold start).
 */
import type { Queue, QueueOptions } from 'bullmq';
import { ignoreQueueErrors } from './worker-close.ts';

export interface LazyQueue<T> {
  get(): Promise<Queue<T>>;
  /** Closes the queue if it was made. */
  close(): Promise<void>;
}

export function lazyQueue<T>(name: string, options: QueueOptions): LazyQueue<T> {
  let made: Promise<Queue<T>> | undefined;
  return {
    get() {
      made ??= import('bullmq').then(({ Queue }) => {
        const queue = new Queue<T>(name, options);
        ignoreQueueErrors(queue);
        return queue;
      });
      return made;
    },
    async close() {
      if (made) await (await made).close();
    },
  };
}
