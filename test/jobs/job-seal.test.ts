/**
 * Job payloads as someone with Redis access would change them: BullMQ's own client pointed at
 * the bot's Redis, and HSET on a job's hash. Workers run only jobs sealed by the bot's key.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Integrity } from '../../adapters/integrity.ts';
import { roleTargets } from '../../bot/core/commands/command.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { IntegrityIncident } from '../../bot/core/ports/integrity.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { submit } from '../../bot/core/usecases/submit.ts';
import { createLogger } from '../../bot/log.ts';
import { queueName } from '../../jobs/names.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { startRequestWorkers } from '../../jobs/workers.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { people, roles, testTenant } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';
import { reliabilityPolicy } from './fixtures/reliability-policy.ts';

let redis: FreshRedis;
const open: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  redis = await freshRedis();
});
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  await redis.cleanup();
});

const connection = (): Redis => {
  const c = redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis;
  open.push({ close: async () => void c.disconnect() });
  return c;
};

describe('sealed job payloads', () => {
  it('refuses a made-up job and a payload pointed at another request, and runs neither', async () => {
    const refused: IntegrityIncident[] = [];
    const seal = Integrity.ephemeral();
    seal.onRefusal((incident) => refused.push(incident));
    const t = testTenant(null, reliabilityPolicy);
    const scheduler = new BullScheduler(connection(), redis.prefix, t.clock, seal);
    open.push(scheduler);
    const deps: CoreDeps = { ...t.deps, scheduler };
    open.push(
      startRequestWorkers(deps, {
        connection: connection(),
        prefix: redis.prefix,
        log: createLogger('silent'),
        backoff: { baseMs: 30, maxMs: 100 },
        seal,
      }),
    );
    const grant = async (requester: Principal) => {
      const submitted = await submit(deps, {
        requester,
        platform: 'slack',
        targets: roleTargets([roles.helpdesk]),
        scope: '/',
        durationSeconds: 60,
        startAt: null,
        ticket: null,
        reason: 'resetting a locked account',
      });
      if (!submitted.ok) throw new Error(submitted.error.message);
      const id = submitted.value.id;
      await waitFor(async () => (await deps.store.get(id))?.state === 'active', 5_000, 'active');
      return id;
    };
    const a = await grant(people.alice);
    const b = await grant(people.erin);
    const state = async (id: string) => (await deps.store.get(id))?.state;

    // The attacker's own BullMQ client: an expire job that would end B's grant now.
    const expire = new Queue(queueName('expire'), {
      connection: connection(),
      prefix: redis.prefix,
    });
    open.push(expire);
    await expire.add('expire', { requestId: b }, { jobId: `expire-${b}-now` });
    await waitFor(() => refused.length === 1, 5_000, 'forged job refused');
    expect(refused[0]).toEqual({
      kind: 'job',
      name: `${queueName('expire')}:expire-${b}-now`,
      problem: 'it has no seal',
    });
    expect(await state(b)).toBe('active');

    // A's genuine expire job, its seal kept, pointed at B, and run now.
    const job = await expire.getJob(`expire-${a}`);
    if (!job) throw new Error('no expire job for A');
    await redis.redis.hset(
      `${redis.prefix}:${queueName('expire')}:expire-${a}`,
      'data',
      JSON.stringify({ requestId: b, mac: job.data.mac }),
    );
    await job.promote();
    await waitFor(() => refused.length === 2, 5_000, 'rewritten job refused');
    expect(refused[1]).toMatchObject({ problem: 'its seal does not match its payload' });
    expect(await state(a)).toBe('active');
    expect(await state(b)).toBe('active');

    // B's own job, sealed, its delay cut short in Redis: it waits for B's end instead.
    const genuine = await expire.getJob(`expire-${b}`);
    if (!genuine) throw new Error('no expire job for B');
    await genuine.promote();
    await waitFor(
      async () => (await expire.getJob(`expire-${b}`))?.processedOn !== undefined,
      5_000,
      "B's job picked up early",
    );
    await waitFor(
      async () => (await expire.getJobState(`expire-${b}`)) === 'delayed',
      5_000,
      "B's job put back",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await expire.getJobState(`expire-${b}`)).toBe('delayed');
    expect(await state(b)).toBe('active');
    const endsAt = (await deps.store.get(b))?.endsAt ?? 0;

    // At B's end it runs, and ends B.
    t.clock.set(endsAt);
    await (await expire.getJob(`expire-${b}`))?.promote();
    await waitFor(async () => (await state(b)) === 'ended', 5_000, 'B ended by its own job');
    expect(refused).toHaveLength(2);
  });
});
