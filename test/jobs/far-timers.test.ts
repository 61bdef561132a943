/**
 * Far timers (jobs/far-timers.ts) on real Redis and BullMQ: a grant's reminder and expiry due
 * in hours wait in one sorted set, become BullMQ jobs when they come close, each exactly once
 * however many workers hand over at once, and are never both cancelled and handed over.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Integrity } from '../../adapters/integrity.ts';
import { ManualClock } from '../../adapters/memory/clock.ts';
import { systemClock } from '../../adapters/system/clock.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { createLogger } from '../../bot/log.ts';
import { CLAIM_TTL_MS } from '../../jobs/far-timers.ts';
import { type JobData, queueName } from '../../jobs/names.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { startRequestWorkers } from '../../jobs/workers.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { testTenant } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';

const HOUR = 3_600_000;
const log = createLogger('silent');

let redis: FreshRedis;
const open: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  redis = await freshRedis();
});
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  await redis.cleanup();
});

function connection(): Redis {
  const c = redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis;
  open.push({ close: async () => void c.disconnect() });
  return c;
}

function scheduler(clock: { now(): number }, seal?: Integrity, handOverMs?: number) {
  const s = new BullScheduler(
    connection(),
    redis.prefix,
    clock,
    seal,
    handOverMs === undefined ? {} : { handOverMs },
  );
  open.push(s);
  return s;
}

function queue(name: 'remind' | 'expire'): Queue<JobData> {
  const q = new Queue<JobData>(queueName(name), { connection: connection(), prefix: redis.prefix });
  open.push(q);
  return q;
}

const far = () => redis.redis.zrange(`${redis.prefix}:timers`, '0', '-1', 'WITHSCORES');
const claims = () => redis.redis.hgetall(`${redis.prefix}:timers:claims`);

describe('far timers', () => {
  it('keeps timers due in hours in the set, sends near ones to BullMQ, and counts both', async () => {
    const clock = new ManualClock(Date.now());
    const s = scheduler(clock);
    const now = clock.now();
    await s.schedule('expire', 'R1', now + 2 * HOUR);
    await s.schedule('remind', 'R1', now + 2 * HOUR - 600_000);
    await s.schedule('expire', 'R2', now + 30_000);
    // Other timers never wait there, however far.
    await s.schedule('approval-timeout', 'R3', now + 2 * HOUR);

    expect(await far()).toEqual([
      'remind:R1',
      String(now + 2 * HOUR - 600_000),
      'expire:R1',
      String(now + 2 * HOUR),
    ]);
    expect(await queue('expire').getJob('expire-R1')).toBeUndefined();
    expect(await queue('expire').getJobState('expire-R2')).toBe('delayed');
    expect(await s.depth()).toBe(4);
    // Scheduled twice, kept once, at the first time (as BullMQ's job ids make it).
    await s.schedule('expire', 'R1', now + 3 * HOUR);
    expect(await redis.redis.zscore(`${redis.prefix}:timers`, 'expire:R1')).toBe(
      String(now + 2 * HOUR),
    );
  });

  it('hands over what comes within the horizon, sealed, with the delay left, once', async () => {
    const clock = new ManualClock(Date.now());
    const seal = Integrity.ephemeral();
    const s = scheduler(clock, seal);
    const at = clock.now() + 2 * HOUR;
    await s.schedule('expire', 'R1', at);
    await s.schedule('remind', 'R1', at - 600_000);

    expect(await s.handOver()).toBe(0);
    clock.set(at - 600_000 - 50_000);
    expect(await s.handOver()).toBe(1);
    const remind = await queue('remind').getJob('remind-R1');
    expect(remind?.data.requestId).toBe('R1');
    expect(typeof remind?.data.mac).toBe('string');
    expect(remind?.delay).toBe(50_000);
    expect(await far()).toEqual(['expire:R1', String(at)]);
    expect(await s.handOver()).toBe(0);

    // A schedule call for a timer already handed over changes nothing.
    await s.schedule('remind', 'R1', at - 600_000);
    expect(await far()).toEqual(['expire:R1', String(at)]);

    clock.set(at + 5_000);
    expect(await s.handOver()).toBe(1);
    expect((await queue('expire').getJob('expire-R1'))?.delay).toBe(0);
    expect(await far()).toEqual([]);
    expect(await claims()).toEqual({});
  });

  it('cancels a timer in the set and one already handed over', async () => {
    const clock = new ManualClock(Date.now());
    const s = scheduler(clock);
    const at = clock.now() + 2 * HOUR;
    await s.schedule('expire', 'R1', at);
    await s.schedule('expire', 'R2', at);
    await s.cancel('expire', 'R1');
    expect(await far()).toEqual(['expire:R2', String(at)]);

    clock.set(at - 10_000);
    expect(await s.handOver()).toBe(1);
    await s.cancel('expire', 'R2');
    expect(await queue('expire').getJob('expire-R2')).toBeUndefined();
    expect(await s.depth()).toBe(0);
  });

  it('makes a cancel wait for a hand-over in flight, and takes over one a dead worker left', async () => {
    const clock = new ManualClock(Date.now());
    const s = scheduler(clock);
    const key = `${redis.prefix}:timers:claims`;
    // A live worker's claim: the cancel waits for it, then removes the job it added.
    await redis.redis.hset(key, 'expire:R1', `${clock.now()}|${clock.now()}`);
    let cancelled = false;
    const cancelling = s.cancel('expire', 'R1').then(() => {
      cancelled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cancelled).toBe(false);
    await queue('expire').add('expire', { requestId: 'R1' }, { jobId: 'expire-R1', delay: 1_000 });
    await redis.redis.hdel(key, 'expire:R1');
    await cancelling;
    expect(await queue('expire').getJob('expire-R1')).toBeUndefined();

    // A claim older than its TTL: the worker that held it died. The next pass hands it over.
    const stale = clock.now() - CLAIM_TTL_MS - 1;
    await redis.redis.hset(key, 'expire:R2', `${clock.now() + 20_000}|${stale}`);
    expect(await s.handOver()).toBe(1);
    expect((await queue('expire').getJob('expire-R2'))?.delay).toBe(20_000);
    expect(await claims()).toEqual({});

    // And a cancel breaks one instead of waiting for it.
    await redis.redis.hset(key, 'expire:R3', `${clock.now() + 20_000}|${stale}`);
    await s.cancel('expire', 'R3');
    expect(await claims()).toEqual({});
    expect(await s.handOver()).toBe(0);
  });

  it('gives each timer exactly one job when several workers hand over at once', async () => {
    const clock = new ManualClock(Date.now());
    const writers = [scheduler(clock), scheduler(clock), scheduler(clock)];
    const at = clock.now() + HOUR;
    const ids = Array.from({ length: 1_200 }, (_, i) => `R${i}`);
    for (const [i, id] of ids.entries()) {
      await writers[i % 3]?.schedule('expire', id, at + i);
      await writers[i % 3]?.schedule('remind', id, at + i - 600_000);
    }
    clock.set(at + 2_000);
    const handed = await Promise.all(writers.map((w) => w.handOver()));
    expect(handed.reduce((a, b) => a + b, 0)).toBe(2_400);
    expect(await queue('expire').getJobCountByTypes('delayed', 'waiting')).toBe(1_200);
    expect(await queue('remind').getJobCountByTypes('delayed', 'waiting')).toBe(1_200);
    expect(await far()).toEqual([]);
    expect(await claims()).toEqual({});
  });

  it('drops a member written by hand that names no timer of ours', async () => {
    const clock = new ManualClock(Date.now());
    const s = scheduler(clock);
    await redis.redis.zadd(`${redis.prefix}:timers`, clock.now(), 'activate:R1', clock.now(), 'x');
    expect(await s.handOver()).toBe(0);
    expect(await far()).toEqual([]);
    expect(await claims()).toEqual({});
    expect(await queue('expire').getJobCounts()).toMatchObject({ delayed: 0, waiting: 0 });
  });

  it('expires a grant at its end through the worker loop, and one added by hand ends nothing early', async () => {
    const t = testTenant();
    const seal = Integrity.ephemeral();
    const s = scheduler(systemClock, seal, 400);
    const deps: CoreDeps = { ...t.deps, scheduler: s, clock: systemClock };
    const grant = async (id: string, endsAt: number) => {
      const r = makeRequest({ id, state: 'active', activatedAt: Date.now(), endsAt });
      await deps.store.create(r, makeEvent(r, 'grant.activated'));
      return r;
    };
    const soon = await grant('R-soon', Date.now() + 1_500);
    const later = await grant('R-later', Date.now() + 4_000);
    await s.schedule('expire', soon.id, soon.endsAt ?? 0);
    await s.schedule('expire', later.id, later.endsAt ?? 0);
    // Someone with Redis access moves the later grant's expiry to now.
    await redis.redis.zadd(`${redis.prefix}:timers`, Date.now(), `expire:${later.id}`);
    const loop = s.startHandOver(log);
    open.push({ close: () => loop.stop() });
    open.push(
      startRequestWorkers(deps, {
        connection: connection(),
        prefix: redis.prefix,
        log,
        seal,
        backoff: { baseMs: 30, maxMs: 100 },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await deps.store.get(later.id))?.state).toBe('active');
    const ended = await waitFor(
      async () => {
        const r = await deps.store.get(soon.id);
        return r?.state === 'ended' ? Date.now() : null;
      },
      5_000,
      'the soon grant ended',
    );
    expect(ended).toBeGreaterThanOrEqual(soon.endsAt ?? 0);
    await waitFor(
      async () => (await deps.store.get(later.id))?.state === 'ended',
      8_000,
      'the later grant ended',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(later.endsAt ?? 0);
  });
});
