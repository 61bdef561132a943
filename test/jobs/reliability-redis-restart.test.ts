/**
 * Redis going down and coming back while reminders and expiries wait as delayed BullMQ jobs.
 * With the persistence the README recommends (append-only file, fsync always, no RDB: see
 * DURABLE_REDIS) none is lost, the workers reconnect by themselves, and each job runs once,
 * after a clean shutdown (SIGTERM) as after a crash (SIGKILL).
 *
 * Runs on a private redis-server: the shared one of the other tests must stay up.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MemoryPrivileges } from '../../adapters/memory/privilege-provider.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { connectRedis } from '../../adapters/redis/connection.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import { systemClock } from '../../adapters/system/clock.ts';
import { roleTargets } from '../../bot/core/commands/command.ts';
import type { JobName } from '../../bot/core/ports/scheduler.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { submit } from '../../bot/core/usecases/submit.ts';
import { createLogger } from '../../bot/log.ts';
import { queueName, REQUEST_JOBS } from '../../jobs/names.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { startRequestWorkers } from '../../jobs/workers.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { type StopHow, startPrivateRedis } from '../support/private-redis.ts';
import { people, roles, target, testTenant } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';
import { reliabilityPolicy } from './fixtures/reliability-policy.ts';

const log = createLogger('silent');
const prefix = 'elevate-restart';

const cleanup = cleanupAfterEach();

/** Jobs of one kind per BullMQ state, read with a connection of its own. */
async function counts(url: string, job: JobName): Promise<Record<string, number>> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName(job), { connection, prefix });
  try {
    return await queue.getJobCounts('wait', 'delayed', 'active', 'failed', 'prioritized');
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

const idle = async (url: string, job: JobName) =>
  Object.values(await counts(url, job)).every((n) => n === 0);

describe('Redis restarted while request timers are delayed', () => {
  it.each<{ how: StopHow }>([{ how: 'sigterm' }, { how: 'sigkill' }])(
    'loses no reminder or expiry and runs each once ($how)',
    async ({ how }) => {
      const server = await startPrivateRedis();
      cleanup(() => server.remove());

      // Connections as bot/app.ts makes them: the stores fail fast, the queues wait for Redis.
      const redis = connectRedis(server.url);
      redis.on('error', () => {}); // refused connections while Redis is down are the point
      await redis.connect();
      cleanup(() => redis.disconnect());
      const queues = redis.duplicate({
        maxRetriesPerRequest: null,
        enableOfflineQueue: true,
      }) as Redis;
      queues.on('error', () => {});
      cleanup(() => queues.disconnect());

      const audit = new RedisAuditLog(redis, prefix);
      const t = testTenant(
        { store: new RedisRequestStore(redis, prefix), audit },
        reliabilityPolicy,
      );
      // PIM in memory on the real clock, counting every removal.
      const privileges = new MemoryPrivileges([roles.helpdesk], () => Date.now());
      // Three people: Entra holds one assignment per person and role, as the memory PIM does.
      const requesters = [people.alice, people.erin, people.bob];
      for (const p of requesters) privileges.makeEligible(p.id, target(roles.helpdesk));
      const scheduler = new BullScheduler(queues, prefix, systemClock);
      cleanup(() => scheduler.close());
      const deps: CoreDeps = { ...t.deps, privileges, scheduler, clock: systemClock };
      const workerConnection = queues.duplicate({ maxRetriesPerRequest: null }) as Redis;
      workerConnection.on('error', () => {});
      cleanup(() => workerConnection.disconnect());
      const workers = startRequestWorkers(deps, {
        connection: workerConnection,
        prefix,
        log,
        backoff: { baseMs: 100, maxMs: 1_000 },
      });
      cleanup(() => workers.close());

      const ids: string[] = [];
      for (const [i, seconds] of [5, 6, 7].entries()) {
        const submitted = await submit(deps, {
          requester: requesters[i] ?? people.alice,
          platform: 'slack',
          targets: roleTargets([roles.helpdesk]),
          scope: '/',
          durationSeconds: seconds,
          startAt: null,
          ticket: null,
          reason: 'resetting a locked account',
        });
        if (!submitted.ok) throw new Error(submitted.error.message);
        ids.push(submitted.value.id);
      }
      for (const id of ids)
        await waitFor(async () => (await deps.store.get(id))?.state === 'active', 5_000, id);
      // Only the timers wait now: activations and verifications are done.
      for (const job of ['activate', 'verify'] as const)
        await waitFor(() => idle(server.url, job), 5_000, `${job} jobs done`);
      const delayed = { remind: 3, expire: 3 };
      expect((await counts(server.url, 'remind')).delayed).toBe(delayed.remind);
      expect((await counts(server.url, 'expire')).delayed).toBe(delayed.expire);

      await server.stop(how);
      await server.start();

      // The delayed jobs came back from the append-only file, before any of them was due.
      expect((await counts(server.url, 'remind')).delayed).toBe(delayed.remind);
      expect((await counts(server.url, 'expire')).delayed).toBe(delayed.expire);
      expect(privileges.deactivateCalls).toBe(0);

      await waitFor(() => redis.status === 'ready', 5_000, 'store connection back');
      for (const id of ids)
        await waitFor(
          async () => (await deps.store.get(id))?.state === 'ended',
          15_000,
          `expiry of ${id}`,
        );
      for (const job of REQUEST_JOBS)
        await waitFor(() => idle(server.url, job), 5_000, `${job} queue empty`);

      expect(privileges.activateCalls).toBe(3);
      expect(privileges.deactivateCalls).toBe(3);
      for (const p of requesters) expect(await privileges.activeAssignments(p.id)).toEqual([]);
      const events = await audit.list({ limit: 10_000 });
      for (const id of ids) {
        const ended = await deps.store.get(id);
        expect(ended?.endReason).toBe('expired');
        expect(t.notifier.changes(id)).toEqual(['approved', 'activated', 'reminder', 'ended']);
        const actions = events.filter((e) => e.requestId === id).map((e) => e.action);
        expect(actions.filter((a) => a === 'grant.ended')).toHaveLength(1);
      }
      expect(await audit.verify()).toMatchObject({ ok: true });
    },
    30_000,
  );
});
