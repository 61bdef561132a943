import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { RedisCooldown } from '../../adapters/redis/cooldown.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import { roleTargets } from '../../bot/core/commands/command.ts';
import { createLogger } from '../../bot/log.ts';
import { scheduleMaintenance, startMaintenanceWorker } from '../../jobs/maintenance.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { testTenant } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';

let redis: FreshRedis;
const closers: { close(): Promise<unknown> }[] = [];
beforeEach(async () => {
  redis = await freshRedis();
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c.close();
  await redis.cleanup();
});

describe('scheduled audit-chain check', () => {
  it('posts one security alert naming the first bad entry, and not again within the cooldown', async () => {
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    const t = testTenant({ store: new RedisRequestStore(redis.redis, redis.prefix), audit });
    for (let i = 0; i < 6; i++) await audit.append(makeEvent(makeRequest()));
    await redis.redis.xdel(`${redis.prefix}:audit`, '4-0');
    const options = {
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix: redis.prefix,
      log: createLogger('silent'),
      cooldown: new RedisCooldown(redis.redis, redis.prefix),
      everyMs: 100,
    };
    closers.push({ close: async () => options.connection.disconnect() });
    closers.push(await scheduleMaintenance(options));
    closers.push(startMaintenanceWorker(t.deps, options));
    const alert = await waitFor(() => t.notifier.alerts[0], 5_000, 'alert');
    expect(alert).toMatchObject({ kind: 'audit_chain_broken', key: 'audit-chain:4:missing_entry' });
    expect(alert.details[0]).toBe('Entry 4 is missing: it was deleted.');
    await new Promise((r) => setTimeout(r, 500));
    expect(t.notifier.alerts).toHaveLength(1);
  });

  it('stays quiet while the chain is intact', async () => {
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    const t = testTenant({ store: new RedisRequestStore(redis.redis, redis.prefix), audit });
    await audit.append(makeEvent(makeRequest()));
    const options = {
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix: redis.prefix,
      log: createLogger('silent'),
      cooldown: new RedisCooldown(redis.redis, redis.prefix),
      everyMs: 50,
    };
    closers.push({ close: async () => options.connection.disconnect() });
    closers.push(await scheduleMaintenance(options));
    const worker = startMaintenanceWorker(t.deps, options);
    closers.push(worker);
    let runs = 0;
    worker.on('completed', () => {
      runs += 1;
    });
    await waitFor(() => runs >= 3, 5_000, 'three checks');
    expect(t.notifier.alerts).toEqual([]);
  });
});

describe('scheduled reconcile', () => {
  it('runs at start and puts lost timers back', async () => {
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    const t = testTenant({ store: new RedisRequestStore(redis.redis, redis.prefix), audit });
    const { submit } = await import('../../bot/core/usecases/submit.ts');
    const { people, roles } = await import('../support/tenant.ts');
    const r = await submit(t.deps, {
      requester: people.alice,
      platform: 'slack',
      targets: roleTargets([roles.exchange]),
      scope: '/',
      durationSeconds: 3600,
      startAt: null,
      ticket: null,
      reason: 'planned maintenance work',
    });
    if (!r.ok) throw new Error(r.error.message);
    t.scheduler.takeDue(Number.MAX_SAFE_INTEGER);
    const options = {
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix: redis.prefix,
      log: createLogger('debug'),
      cooldown: new RedisCooldown(redis.redis, redis.prefix),
      everyMs: 60_000,
    };
    closers.push({ close: async () => options.connection.disconnect() });
    closers.push(await scheduleMaintenance(options));
    closers.push(startMaintenanceWorker(t.deps, options));
    await waitFor(
      () =>
        t.scheduler
          .pending()
          .some((j) => j.job === 'approval-timeout' && j.requestId === r.value.id),
      5_000,
      'timer restored',
    );
  });
});
