/**
 * The Redis side of DESIGN.md "Performance", on the real stores: bytes per active grant (its
 * record, indexes and timers) and per audit record (60-character reason), summed with
 * MEMORY USAGE over the keys of a fresh prefix (other users of the same Redis do not count);
 * the first history page over many stored requests against a raw range read of the same
 * index in the same run; and one alerts scan over the same records.
 */
import { Redis } from 'ioredis';
import { MemoryTenantOverview } from '../adapters/memory/tenant-overview.ts';
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { redisKeys } from '../adapters/redis/keys.ts';
import { RedisRequestStore } from '../adapters/redis/request-store.ts';
import { scanForAlerts } from '../bot/core/usecases/alerts/scan.ts';
import { history } from '../bot/core/usecases/history.ts';
import { auditEvent } from '../bot/core/usecases/record.ts';
import { BullScheduler } from '../jobs/scheduler.ts';
import { makeRequest } from '../test/support/fixtures.ts';
import { people, roles, target, testTenant } from '../test/support/tenant.ts';
import type { Row } from './report.ts';

const REASON = 'fixing mail flow for the Amsterdam office after the MX change'; // 60 characters
const requesters = [people.alice, people.erin, people.dave];
const targets = [target(roles.exchange), target(roles.global), target(roles.helpdesk)];

async function bytesUnder(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    cursor = next;
    const pipe = redis.pipeline();
    for (const key of keys) pipe.memory('USAGE', key, 'SAMPLES', '0');
    for (const [, bytes] of (await pipe.exec()) ?? []) total += Number(bytes ?? 0);
  } while (cursor !== '0');
  return total;
}

async function drop(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

async function inBatches(count: number, write: (i: number) => Promise<unknown>): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(write(i));
    if (pending.length === 2_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

const request = (i: number, start: number, state: 'active' | 'ended') =>
  makeRequest({
    id: `R${String(i).padStart(8, '0')}`,
    requester: requesters[i % 3] ?? people.alice,
    targets: [targets[i % 3] ?? targets[0]].flatMap((x) => (x ? [x] : [])),
    createdAt: start + i * 1_000,
    updatedAt: start + i * 1_000,
    state,
    reason: REASON,
    ...(state === 'active' ? { activatedAt: Date.now(), endsAt: Date.now() + 3_600_000 } : {}),
  });

export async function benchStorage(
  redisUrl: string,
  sizes: { grants: number; audit: number; records: number },
): Promise<Row[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const run = `bench-storage-${process.pid}`;
  const rows: Row[] = [];

  // Active grants: record + indexes + expire and reminder timers.
  const grants = `${run}-grants`;
  const grantStore = new RedisRequestStore(redis, grants);
  const scheduler = new BullScheduler(redis, grants, { now: () => Date.now() });
  await inBatches(sizes.grants, async (i) => {
    const r = request(i, Date.now(), 'active');
    await grantStore.create(r, auditEvent(r, 'grant.activated', r.requester, r.createdAt));
    await scheduler.schedule('expire', r.id, r.endsAt ?? Date.now());
    await scheduler.schedule('remind', r.id, (r.endsAt ?? Date.now()) - 600_000);
  });
  await scheduler.close();
  const grantKeys = redisKeys(grants);
  const all = await bytesUnder(redis, grants);
  const trail = await bytesUnder(redis, grantKeys.audit);
  const perGrant = (all - trail) / sizes.grants;
  rows.push({
    figure: `Redis bytes per active grant (${sizes.grants.toLocaleString('en')})`,
    measured: perGrant,
    target: 1_536,
    better: 'lower',
    note:
      'record, indexes, reminder and expiry timers; its audit entries count per audit record ' +
      `(with its one here: ${Math.round(all / sizes.grants)})`,
  });
  await drop(redis, grants);

  // Audit records alone.
  const auditPrefix = `${run}-audit`;
  const audit = new RedisAuditLog(redis, auditPrefix);
  for (let i = 0; i < sizes.audit; i++) {
    const r = request(i, Date.UTC(2026, 0, 1), 'ended');
    await audit.append(auditEvent(r, 'grant.ended', r.requester, r.createdAt));
  }
  const perAudit = (await bytesUnder(redis, auditPrefix)) / sizes.audit;
  rows.push({
    figure: `Redis bytes per audit record (${sizes.audit.toLocaleString('en')})`,
    measured: perAudit,
    target: 300,
    better: 'lower',
  });
  await drop(redis, auditPrefix);

  // History and alerts over many stored requests.
  const many = `${run}-history`;
  const store = new RedisRequestStore(redis, many);
  const t = testTenant({ store, audit: new RedisAuditLog(redis, many) });
  const start = Date.now() - sizes.records * 1_000;
  await inBatches(sizes.records, (i) => {
    const r = request(i, start, 'ended');
    return store.create(r, auditEvent(r, 'request.submitted', r.requester, r.createdAt));
  });
  t.clock.set(Date.now());
  const keys = redisKeys(many);
  const time = async (f: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 21; i++) {
      const began = performance.now();
      await f();
      samples.push(performance.now() - began);
    }
    return samples.sort((a, b) => a - b)[10] ?? 0;
  };
  const raw = await time(async () => {
    const ids = await redis.zrevrange(keys.all, 0, 19);
    const pipe = redis.pipeline();
    for (const id of ids) pipe.getBuffer(keys.request(id));
    await pipe.exec();
  });
  const page = await time(() =>
    history(t.deps, { asker: people.erin, subject: { kind: 'all' }, roleId: null, since: null }),
  );
  rows.push({
    figure: `history first page over ${sizes.records.toLocaleString('en')} (ms)`,
    measured: page,
    baseline: raw,
    target: raw * 3,
    better: 'lower',
    note: 'baseline: ZREVRANGE of the newest 20 ids and their records in one pipeline',
  });
  // Three scans, the median counted: one alone is at the mercy of a shared machine.
  const scans: number[] = [];
  for (let i = 0; i < 3; i++) {
    const began = performance.now();
    await scanForAlerts(t.deps, new MemoryTenantOverview());
    scans.push(performance.now() - began);
  }
  rows.push({
    figure: `alerts scan over ${sizes.records.toLocaleString('en')} (ms)`,
    measured: [...scans].sort((a, b) => a - b)[1] ?? 0,
    target: 2_000,
    better: 'lower',
    note: `median of three scans: ${scans.map((x) => x.toFixed(0)).join(', ')} ms`,
  });
  await drop(redis, many);
  redis.disconnect();
  return rows;
}
