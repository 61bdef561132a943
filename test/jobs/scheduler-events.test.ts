/**
 * What the scheduler leaves in Redis besides its jobs: BullMQ writes an event per added and
 * delayed job to a stream per queue, 10,000 kept by default (a few hundred bytes per active
 * grant at that count). Nothing reads them, so each queue keeps only the last few.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queueName } from '../../jobs/names.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

let redis: FreshRedis;
beforeEach(async () => {
  redis = await freshRedis();
});
afterEach(async () => {
  await redis.cleanup();
});

it('keeps each queue event stream short however many timers are scheduled', async () => {
  const connection = redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis;
  const scheduler = new BullScheduler(connection, redis.prefix, { now: () => Date.now() });
  const at = Date.now() + 3_600_000;
  // Not a grant's reminder or expiry: those wait as far timers, not as jobs (far-timers.ts).
  for (let i = 0; i < 600; i++) await scheduler.schedule('approval-timeout', `R${i}`, at + i);
  const events = await redis.redis.xlen(`${redis.prefix}:${queueName('approval-timeout')}:events`);
  expect(events).toBeGreaterThan(0);
  // Trimmed by whole stream nodes (100 entries each), so a little over the 100 kept.
  expect(events).toBeLessThanOrEqual(300);
  expect(await scheduler.depth()).toBe(600);
  await scheduler.close();
  connection.disconnect();
});
