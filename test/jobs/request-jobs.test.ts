/**
 * The request timers on real Redis and BullMQ: jobs run the use cases at their time, once,
 * with retries, and give up cleanly.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roleTargets } from '../../bot/core/commands/command.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { submit } from '../../bot/core/usecases/submit.ts';
import { createLogger } from '../../bot/log.ts';
import { queueName } from '../../jobs/names.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { type RequestWorkers, startRequestWorkers } from '../../jobs/workers.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { people, roles, target, testTenant } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';
import { reliabilityPolicy } from './fixtures/reliability-policy.ts';

/** Helpdesk without approval and with durations short enough to watch expire. */
const quick = reliabilityPolicy;

let redis: FreshRedis;
const open: { close(): Promise<void> }[] = [];
const log = createLogger('silent');

beforeEach(async () => {
  redis = await freshRedis();
});
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  await redis.cleanup();
});

function setup() {
  const t = testTenant(null, quick);
  const connection = redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis;
  const scheduler = new BullScheduler(connection, redis.prefix, t.clock);
  const deps: CoreDeps = { ...t.deps, scheduler };
  open.push({ close: async () => void connection.disconnect() }, scheduler);
  const workers = (): RequestWorkers => {
    const w = startRequestWorkers(deps, {
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix: redis.prefix,
      log,
      backoff: { baseMs: 30, maxMs: 100 },
    });
    open.push(w);
    return w;
  };
  return { ...t, deps, scheduler, workers };
}

const ask = (deps: CoreDeps, seconds: number, requester: Principal = people.alice) =>
  submit(deps, {
    requester,
    platform: 'slack',
    targets: roleTargets([roles.helpdesk]),
    scope: '/',
    durationSeconds: seconds,
    startAt: null,
    ticket: null,
    reason: 'resetting a locked account',
  });

describe('request jobs on BullMQ', () => {
  it('activates, reminds and expires a grant at its time, each once', async () => {
    const s = setup();
    s.workers();
    const submitted = await ask(s.deps, 2);
    if (!submitted.ok) throw new Error(submitted.error.message);
    const id = submitted.value.id;
    await waitFor(async () => (await s.deps.store.get(id))?.state === 'active', 5_000, 'active');
    expect(s.privileges.activateCalls).toBe(1);
    await waitFor(() => s.notifier.changes(id).includes('reminder'), 5_000, 'reminder');
    const ended = await waitFor(
      async () => {
        const r = await s.deps.store.get(id);
        return r?.state === 'ended' ? r : null;
      },
      8_000,
      'expiry',
    );
    expect(ended.endReason).toBe('expired');
    expect(s.privileges.deactivateCalls).toBe(1);
    // The store records the end before the notifier hears of it.
    await waitFor(() => s.notifier.changes(id).includes('ended'), 2_000, 'ended notification');
    expect(s.notifier.changes(id)).toEqual(['approved', 'activated', 'reminder', 'ended']);
  });

  it('runs the same on a Redis Cluster hash-tag prefix ({elevate-…}), every key in one slot', async () => {
    await redis.cleanup();
    redis = await freshRedis({ name: '{elevate-test-*}' });
    const s = setup();
    s.workers();
    const submitted = await ask(s.deps, 1);
    if (!submitted.ok) throw new Error(submitted.error.message);
    const id = submitted.value.id;
    await waitFor(async () => (await s.deps.store.get(id))?.state === 'ended', 8_000, 'expiry');
    expect(s.privileges.activateCalls).toBe(1);
    expect(s.privileges.deactivateCalls).toBe(1);
    const keys = await redis.redis.keys(`${redis.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    // Every key carries the tag, so Cluster puts them all in the slot of `{elevate-test-…}`.
    expect(keys.every((k) => k.startsWith(redis.prefix))).toBe(true);
    expect(new Set(keys.map((k) => k.slice(0, k.indexOf('}') + 1))).size).toBe(1);
  });

  it('keeps one job per timer and request however often it is scheduled', async () => {
    const s = setup();
    const runAt = s.clock.now() + 60_000;
    await Promise.all(
      Array.from({ length: 10 }, () => s.scheduler.schedule('expire', 'R0000042', runAt)),
    );
    const queue = new Queue(queueName('expire'), { connection: redis.redis, prefix: redis.prefix });
    open.push(queue);
    expect(await queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 1, waiting: 0 });
    const [job] = await queue.getDelayed();
    expect(job?.id).toBe('expire-R0000042');
    expect(job?.data).toEqual({ requestId: 'R0000042' });
    await s.scheduler.cancel('expire', 'R0000042');
    expect(await queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 0, waiting: 0 });
    expect(await s.scheduler.depth()).toBe(0);
  });

  it('retries an activation when PIM is unreachable, and grants once', async () => {
    const s = setup();
    const original = s.privileges.activate.bind(s.privileges);
    let calls = 0;
    s.privileges.activate = async (grant) => {
      calls += 1;
      if (calls <= 2) throw new Error('ECONNRESET');
      return original(grant);
    };
    s.workers();
    const submitted = await ask(s.deps, 3600);
    if (!submitted.ok) throw new Error(submitted.error.message);
    await waitFor(
      async () => (await s.deps.store.get(submitted.value.id))?.state === 'active',
      5_000,
      'active',
    );
    expect(calls).toBe(3);
    expect(await s.privileges.activeAssignments(people.alice.id)).toHaveLength(1);
  });

  it('gives up after the last attempt: rolled back, failed, and said so', async () => {
    const s = setup();
    s.privileges.activate = async () => {
      throw new Error('503 Service Unavailable');
    };
    s.workers();
    const submitted = await ask(s.deps, 3600);
    if (!submitted.ok) throw new Error(submitted.error.message);
    const failed = await waitFor(
      async () => {
        const r = await s.deps.store.get(submitted.value.id);
        return r?.state === 'failed' ? r : null;
      },
      8_000,
      'failed',
    );
    expect(failed.failure?.code).toBe('grant.gave_up');
    expect(s.notifier.changes(submitted.value.id).at(-1)).toBe('failed');
    expect(await s.privileges.activeAssignments(people.alice.id)).toEqual([]);
  });

  it('two sets of workers on one Redis activate a request once', async () => {
    const s = setup();
    s.workers();
    s.workers();
    // Three people: Entra holds one assignment per person and role, as the memory PIM does.
    s.privileges.makeEligible(people.bob.id, target(roles.helpdesk));
    const results = await Promise.all(
      [people.alice, people.erin, people.bob].map((p) => ask(s.deps, 3600, p)),
    );
    const ids = results.map((r) => (r.ok ? r.value.id : ''));
    await waitFor(
      async () => {
        const states = await Promise.all(
          ids.map(async (id) => (await s.deps.store.get(id))?.state),
        );
        return states.every((x) => x === 'active');
      },
      5_000,
      'all active',
    );
    expect(s.privileges.activateCalls).toBe(3);
  });
});
