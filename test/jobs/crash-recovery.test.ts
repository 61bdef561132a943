/**
 * What a crash leaves behind, on real Redis and BullMQ:
 * - a worker process killed with SIGKILL in the middle of an expiry (PIM has removed the role,
 *   the store has not recorded it yet): another worker finishes the expiry, once;
 * - Redis itself killed and restarted while expiries wait as delayed jobs: with the
 *   persistence the README recommends (append-only file, fsync always) none is lost and each
 *   runs once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraph } from '../../adapters/graph/index.ts';
import { systemClock } from '../../adapters/memory/clock.ts';
import { randomIds } from '../../adapters/memory/ids.ts';
import { MemoryNotifier } from '../../adapters/memory/notifier.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import type { AuditLog } from '../../bot/core/ports/audit-log.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { submit } from '../../bot/core/usecases/submit.ts';
import { createLogger } from '../../bot/log.ts';
import { queueName } from '../../jobs/names.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { startRequestWorkers } from '../../jobs/workers.ts';
import { type GraphStandIn, startGraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { people, roles, target, testTenant } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';
import { crashPolicy } from './fixtures/crash-policy.ts';

const log = createLogger('silent');
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

/** Graph wants object ids (GUIDs); the in-memory tenant's short ids would be refused. */
const alice = { ...people.alice, id: '6b2e9f4a-0000-4000-8000-00000000a11c' };

const ask = (deps: CoreDeps, seconds: number, requester = people.alice) =>
  submit(deps, {
    requester,
    platform: 'slack',
    roles: [roles.helpdesk],
    scope: '/',
    durationSeconds: seconds,
    startAt: null,
    ticket: null,
    reason: 'resetting a locked account',
  });

async function endings(audit: AuditLog, requestId: string): Promise<number> {
  const events = await audit.list({ limit: 10_000 });
  return events.filter((e) => e.requestId === requestId && e.action === 'grant.ended').length;
}

function spawnWorker(graph: GraphStandIn, redis: FreshRedis): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['test/jobs/fixtures/worker-process.ts'], {
    env: {
      ...process.env,
      TEST_PREFIX: redis.prefix,
      TEST_REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      TEST_TENANT_ID: graph.tenantId,
      TEST_CLIENT_ID: graph.clientId,
      TEST_CLIENT_SECRET: graph.clientSecret,
      TEST_GRAPH_URL: graph.graphBaseUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

describe('crash recovery', () => {
  it('finishes an expiry once after its worker is killed (SIGKILL) mid-way', async () => {
    const graph = await startGraphStandIn();
    cleanups.push(() => graph.close());
    graph.tenant.addUser({
      id: alice.id,
      displayName: alice.displayName,
      userPrincipalName: alice.email,
      mail: alice.email,
    });
    graph.tenant.addRoleDefinition({ id: roles.helpdesk.id, displayName: roles.helpdesk.name });
    graph.tenant.addEligibility({
      principalId: alice.id,
      roleDefinitionId: roles.helpdesk.id,
    });
    const redis = await freshRedis();
    cleanups.push(() => redis.cleanup());
    const first = await spawnWorker(graph, redis);

    // This process only submits and watches; the child process runs the jobs.
    const connection = redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis;
    cleanups.push(() => connection.disconnect());
    const tenant = createGraph(
      {
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        clientSecret: graph.clientSecret,
        authorityHost: graph.graphBaseUrl,
        graphBaseUrl: graph.graphBaseUrl,
      },
      log,
    );
    const scheduler = new BullScheduler(connection, redis.prefix, systemClock);
    cleanups.push(() => scheduler.close());
    const deps: CoreDeps = {
      store: new RedisRequestStore(redis.redis, redis.prefix),
      audit: new RedisAuditLog(redis.redis, redis.prefix),
      directory: tenant.directory,
      privileges: tenant.privileges,
      notifier: new MemoryNotifier(),
      scheduler,
      clock: systemClock,
      ids: randomIds,
      policy: () => crashPolicy,
    };
    const submitted = await ask(deps, 3, alice);
    if (!submitted.ok) throw new Error(submitted.error.message);
    const id = submitted.value.id;
    await waitFor(async () => (await deps.store.get(id))?.state === 'active', 10_000, 'active');

    // The expiry's first Graph read is held back: the worker is mid-job when it is killed.
    // Armed just before the end, after the activation's own checks have read the same path.
    const endsAt = (await deps.store.get(id))?.endsAt ?? Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now() - 700)));
    graph.faults.slowAfterCommit(
      1,
      15_000,
      '/roleManagement/directory/roleAssignmentScheduleInstances',
      'GET',
    );
    const expiry = new Queue(queueName('expire'), { connection, prefix: redis.prefix });
    cleanups.push(() => expiry.close());
    await waitFor(
      async () => (await (await expiry.getJob(`expire-${id}`))?.getState()) === 'active',
      10_000,
      'the expiry running',
    );
    await new Promise((r) => setTimeout(r, 300));
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await deps.store.get(id))?.state).toBe('active');

    await spawnWorker(graph, redis);
    const restarted = Date.now();
    const ended = await waitFor(
      async () => {
        const r = await deps.store.get(id);
        return r?.state === 'ended' ? r : null;
      },
      15_000,
      'expiry finished by the new worker',
    );
    expect(Date.now() - restarted).toBeLessThan(15_000);
    expect(ended.endReason).toBe('expired');
    expect(await endings(deps.audit, id)).toBe(1);
    expect(graph.tenant.activeAssignments().filter((a) => a.principalId === alice.id)).toEqual([]);
  }, 60_000);

  it('loses no delayed expiry when Redis is killed and restarted (AOF, fsync always)', async () => {
    const server: RedisServer = await startRedisServer();
    cleanups.push(() => server.remove());
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    client.on('error', () => {}); // refused connections while Redis is down are the point
    cleanups.push(() => client.disconnect());
    const prefix = 'crash';
    const audit = new RedisAuditLog(client, prefix);
    const t = testTenant({ store: new RedisRequestStore(client, prefix), audit }, crashPolicy);
    t.privileges.makeEligible(people.alice.id, target(roles.helpdesk));
    const scheduler = new BullScheduler(client, prefix, systemClock);
    cleanups.push(() => scheduler.close());
    const deps: CoreDeps = { ...t.deps, scheduler, clock: systemClock };
    const workers = startRequestWorkers(deps, {
      connection: client.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix,
      log,
      backoff: { baseMs: 100, maxMs: 1_000 },
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
    });
    cleanups.push(() => workers.close());

    const ids: string[] = [];
    for (const seconds of [3, 4, 5]) {
      const submitted = await ask(deps, seconds);
      if (!submitted.ok) throw new Error(submitted.error.message);
      ids.push(submitted.value.id);
    }
    for (const id of ids)
      await waitFor(async () => (await deps.store.get(id))?.state === 'active', 10_000, 'active');
    expect(t.privileges.deactivateCalls).toBe(0);

    await server.crash();
    await new Promise((r) => setTimeout(r, 500));
    await server.restart();

    for (const id of ids)
      await waitFor(
        async () => (await deps.store.get(id))?.state === 'ended',
        20_000,
        `expiry of ${id}`,
      );
    expect(t.privileges.deactivateCalls).toBe(3);
    for (const id of ids) expect(await endings(audit, id)).toBe(1);
  }, 60_000);
});
