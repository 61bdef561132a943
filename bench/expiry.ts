/**
 * Expiry lateness (DESIGN.md "Performance"): 10,000 active grants on real Redis whose ends
 * fall within a few seconds, each with its expire timer (a far timer handed over to BullMQ
 * two seconds before it is due), run by the real workers and the real `end` use case. Lateness is when the end is recorded (PIM asked, store updated, audit
 * appended), minus the grant's end. With `waiting`, that many more active grants end an hour
 * later, so that (100,000 grants, 1,000 due in one second) the due ones are found among many.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../adapters/redis/request-store.ts';
import { systemClock } from '../adapters/system/clock.ts';
import type { CoreDeps } from '../bot/core/usecases/deps.ts';
import { createLogger } from '../bot/log.ts';
import { BullScheduler } from '../jobs/scheduler.ts';
import { startRequestWorkers } from '../jobs/workers.ts';
import { makeEvent, makeRequest } from '../test/support/fixtures.ts';
import { testTenant } from '../test/support/tenant.ts';

const SPREAD_MS = 20_000;
const LEAD_MS = 8_000;
const HAND_OVER_MS = 2_000;

export interface ExpiryResult {
  readonly grants: number;
  readonly expired: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 lateness of bare BullMQ delayed jobs (no-op processor) on the same spread. */
  readonly bareP99: number;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

export async function benchExpiry(
  redisUrl: string,
  {
    grants: GRANTS = 10_000,
    spreadMs: SPREAD = SPREAD_MS,
    waiting = 0,
    leadMs: LEAD = LEAD_MS,
  }: { grants?: number; spreadMs?: number; waiting?: number; leadMs?: number } = {},
): Promise<ExpiryResult> {
  const bareP99 = await bareBullLateness(redisUrl, GRANTS, SPREAD, waiting, LEAD);
  const prefix = `bench-expiry-${process.pid}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const audit = new RedisAuditLog(redis, prefix);
  const t = testTenant({ store: new RedisRequestStore(redis, prefix), audit });
  // A short hand-over, so that the grants due in the run wait as far timers first, as every
  // grant does in production, and reach BullMQ through the hand-over loop.
  const scheduler = new BullScheduler(redis, prefix, systemClock, undefined, {
    handOverMs: HAND_OVER_MS,
  });
  const late: number[] = [];
  const ends = new Map<string, number>();
  const deps: CoreDeps = { ...t.deps, scheduler, clock: systemClock };
  const told = t.notifier.requestChanged.bind(t.notifier);
  t.notifier.requestChanged = async (request, change) => {
    if (change === 'ended') late.push(Date.now() - (ends.get(request.id) ?? Date.now()));
    return told(request, change);
  };
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < waiting; i++) {
    const r = makeRequest({
      id: `RW${String(i).padStart(8, '0')}`,
      state: 'active',
      activatedAt: Date.now(),
      endsAt: Date.now() + 3_600_000,
    });
    pending.push(
      deps.store
        .create(r, makeEvent(r, 'grant.activated'))
        .then(() => scheduler.schedule('expire', r.id, r.endsAt ?? 0)),
    );
    if (pending.length === 1_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const start = Date.now() + LEAD;
  for (let i = 0; i < GRANTS; i++) {
    const endsAt = start + Math.floor((i / GRANTS) * SPREAD);
    const r = makeRequest({
      id: `RB${String(i).padStart(8, '0')}`,
      state: 'active',
      activatedAt: Date.now(),
      endsAt,
    });
    ends.set(r.id, endsAt);
    // In batches, as the waiting ones: one at a time took most of the lead on a busy machine.
    pending.push(
      deps.store
        .create(r, makeEvent(r, 'grant.activated'))
        .then(() => scheduler.schedule('expire', r.id, endsAt)),
    );
    if (pending.length === 1_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const seeded = Date.now();
  if (seeded > start) throw new Error(`seeding took past the first end (${seeded - start} ms)`);
  const handOver = scheduler.startHandOver(createLogger('silent'));
  const workers = startRequestWorkers(deps, {
    connection: redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
    prefix,
    log: createLogger('silent'),
    concurrency: 100,
  });
  const deadline = start + SPREAD + 30_000;
  while (late.length < GRANTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await handOver.stop();
  await workers.close();
  await scheduler.close();
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  redis.disconnect();
  return {
    grants: GRANTS,
    expired: late.length,
    p50: pct(late, 0.5),
    p99: pct(late, 0.99),
    max: Math.max(...late),
    bareP99,
  };
}

/** The floor: the same delayed jobs on one queue, a processor that only records. */
async function bareBullLateness(
  redisUrl: string,
  count: number,
  spreadMs: number,
  waiting: number,
  leadMs: number,
): Promise<number> {
  const prefix = `bench-bare-${process.pid}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection: redis, prefix });
  const late: number[] = [];
  const later = Array.from({ length: waiting }, (_, i) => ({
    name: 'expire',
    data: { due: Number.POSITIVE_INFINITY },
    opts: { delay: 3_600_000, jobId: `w${i}` },
  }));
  for (let i = 0; i < later.length; i += 1_000) await queue.addBulk(later.slice(i, i + 1_000));
  const start = Date.now() + leadMs;
  const jobs = Array.from({ length: count }, (_, i) => {
    const due = start + Math.floor((i / count) * spreadMs);
    return { name: 'expire', data: { due }, opts: { delay: due - Date.now(), jobId: `b${i}` } };
  });
  for (let i = 0; i < jobs.length; i += 1_000) await queue.addBulk(jobs.slice(i, i + 1_000));
  const worker = new Worker<{ due: number }>(
    'bare',
    async (job) => {
      late.push(Date.now() - job.data.due);
    },
    { connection: redis.duplicate({ maxRetriesPerRequest: null }), prefix, concurrency: 100 },
  );
  const deadline = start + spreadMs + 30_000;
  while (late.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  return pct(late, 0.99);
}
