import type { Clock } from '../../bot/core/ports/clock.ts';

/** The wall clock the running bot uses; tests use ManualClock (adapters/memory/clock.ts). */
export const systemClock: Clock = { now: () => Date.now() };
