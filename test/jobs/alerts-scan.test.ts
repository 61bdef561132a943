/**
 * alerts-scan as the maintenance queue runs it on real Redis and BullMQ: repeatable, each
 * finding posted once, and not again within the cooldown however often the scan runs.
 */
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTenantOverview } from '../../adapters/memory/tenant-overview.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { RedisCooldown } from '../../adapters/redis/cooldown.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import { createLogger } from '../../bot/log.ts';
import { scheduleMaintenance, startMaintenanceWorker } from '../../jobs/maintenance.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { people, roles, target, testTenant } from '../support/tenant.ts';
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

describe('alerts-scan job', () => {
  it('posts each finding once and repeats none within the cooldown', async () => {
    const audit = new RedisAuditLog(redis.redis, redis.prefix);
    const t = testTenant({ store: new RedisRequestStore(redis.redis, redis.prefix), audit });
    const overview = new MemoryTenantOverview();
    overview.activeHolders = [
      {
        principalId: people.dave.id,
        target: target(roles.exchange),
        startAt: 0,
        endsAt: null,
        viaSchedule: false,
      },
    ];
    overview.eligibleHolders = [{ principalId: people.carol.id, target: target(roles.helpdesk) }];
    overview.signIns.set(people.carol.id, null);
    overview.signIns.set(people.dave.id, t.clock.now());
    const options = {
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix: redis.prefix,
      log: createLogger('silent'),
      cooldown: new RedisCooldown(redis.redis, redis.prefix),
      everyMs: 100,
      overview,
    };
    closers.push({ close: async () => options.connection.disconnect() });
    closers.push(await scheduleMaintenance(options));
    closers.push(startMaintenanceWorker(t.deps, options));
    await waitFor(() => t.notifier.alerts.length >= 2, 5_000, 'two findings');
    const scans = () =>
      redis.redis.get(
        `${redis.prefix}:cooldown:outside_pim:${people.dave.id}:${roles.exchange.id}:/`,
      );
    expect(await scans()).not.toBeNull();
    await new Promise((r) => setTimeout(r, 700)); // several more scans
    expect(t.notifier.alerts.map((a) => a.kind).sort()).toEqual(['outside_pim', 'stale_account']);
    // A new finding in a later scan is posted, the old ones still are not.
    overview.signIns.set(people.dave.id, null);
    await waitFor(() => t.notifier.alerts.length === 3, 5_000, 'the new finding');
    expect(t.notifier.alerts[2]?.key).toBe(`stale_account:${people.dave.id}`);
  });

  it('posts the findings of the other checks when one cannot run, and logs which', async () => {
    const t = testTenant({
      store: new RedisRequestStore(redis.redis, redis.prefix),
      audit: new RedisAuditLog(redis.redis, redis.prefix),
    });
    const overview = new MemoryTenantOverview();
    overview.activeHolders = [
      {
        principalId: people.dave.id,
        target: target(roles.exchange),
        startAt: 0,
        endsAt: null,
        viaSchedule: false,
      },
    ];
    overview.lastSignIns = async () => {
      throw new Error('Graph refused: grant AuditLog.Read.All');
    };
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const options = {
      connection: redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix: redis.prefix,
      log: createLogger('error', sink),
      cooldown: new RedisCooldown(redis.redis, redis.prefix),
      everyMs: 100,
      overview,
    };
    closers.push({ close: async () => options.connection.disconnect() });
    closers.push(await scheduleMaintenance(options));
    closers.push(startMaintenanceWorker(t.deps, options));
    await waitFor(() => t.notifier.alerts.length >= 1, 5_000, 'the standing assignment');
    expect(t.notifier.alerts.map((a) => a.kind)).toEqual(['outside_pim']);
    await waitFor(() => lines.length > 0, 5_000, 'the logged check');
    expect(lines[0]).toMatchObject({
      check: 'stale_account',
      err: expect.stringMatching(/AuditLog/),
    });
  });
});
