/**
 * Cleanup for tests that start processes: everything registered is undone after each test,
 * last first, even when the test failed half-way. Each step gets a few seconds: a BullMQ
 * worker closing while Redis is down can wait forever, and must not keep the steps after it
 * (killing a redis-server or a worker process) from running.
 */
import { afterEach } from 'vitest';

type Step = () => Promise<unknown> | unknown;

const STEP_MS = 3_000;

export function cleanupAfterEach(): (step: Step) => void {
  const steps: Step[] = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STEP_MS);
      });
      try {
        await Promise.race([Promise.resolve().then(step), late]);
      } catch {
        // The next steps run all the same.
      } finally {
        clearTimeout(timer);
      }
    }
  }, 60_000);
  return (step) => void steps.push(step);
}
