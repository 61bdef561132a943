/**
 * The request timers when things break, on real Redis, real BullMQ and the real Graph adapter
 * signed in to the HTTPS Graph stand-in:
 * - a worker process killed (SIGKILL) in the middle of an expiry: a new worker process ends the
 *   grant, once;
 * - a worker process killed in the middle of an activation: BullMQ hands the stalled job to a
 *   new worker process (attemptsMade still 0), which resumes it and grants once;
 * - Graph throttling (429) an activation and unavailable (503) at expiry: the job retries and
 *   the grant is made, and removed, once.
 * Two worker sets racing on one due job are in request-jobs.test.ts; Redis restarts are in
 * reliability-redis-restart.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createGraph } from '../../adapters/graph/index.ts';
import { Integrity } from '../../adapters/integrity.ts';
import { randomIds } from '../../adapters/memory/ids.ts';
import { MemoryNotifier } from '../../adapters/memory/notifier.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import { systemClock } from '../../adapters/system/clock.ts';
import { roleTargets } from '../../bot/core/commands/command.ts';
import type { JobName } from '../../bot/core/ports/scheduler.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { submit } from '../../bot/core/usecases/submit.ts';
import { createLogger } from '../../bot/log.ts';
import { queueName } from '../../jobs/names.ts';
import { BullScheduler } from '../../jobs/scheduler.ts';
import { startRequestWorkers } from '../../jobs/workers.ts';
import { ALICE } from '../adapters/graph/graph-fixture.ts';
import { type GraphStandIn, startGraphStandIn } from '../standins/graph/index.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { type FreshRedis, freshRedis, TRUSTED_REDIS_ENV } from '../support/redis.ts';
import { people, roles } from '../support/tenant.ts';
import { waitFor } from '../support/wait.ts';
import { reliabilityPolicy } from './fixtures/reliability-policy.ts';

/** The key this process and the worker processes it starts seal with, as replicas share one. */
const KEY = Integrity.fromSecret(TRUSTED_REDIS_ENV.ELEVATE_HMAC_KEY);

const WORKER = fileURLToPath(new URL('./fixtures/reliability-worker.ts', import.meta.url));
const REQUESTS = '/roleManagement/directory/roleAssignmentScheduleRequests';
const log = createLogger('silent');
/** Graph wants object ids (GUIDs), not the in-memory tenant's short ones. */
const alice = { ...people.alice, id: ALICE };

const cleanup = cleanupAfterEach();

interface World {
  readonly graph: GraphStandIn;
  readonly redis: FreshRedis;
  readonly deps: CoreDeps;
  /**
   * Stops the stand-in's clock, so Entra keeps the assignment past its end: the removal
   * counted is then the expire job's, not Entra's own expiry.
   */
  holdGraphClock(): void;
}

async function world(): Promise<World> {
  let heldAt: number | null = null;
  const graph = await startGraphStandIn({ now: () => heldAt ?? Date.now() });
  cleanup(() => graph.close());
  graph.tenant.addUser({
    id: alice.id,
    displayName: alice.displayName,
    userPrincipalName: alice.email,
    mail: alice.email,
  });
  graph.tenant.addRoleDefinition({ id: roles.helpdesk.id, displayName: roles.helpdesk.name });
  graph.tenant.addEligibility({ principalId: alice.id, roleDefinitionId: roles.helpdesk.id });

  const redis = await freshRedis();
  cleanup(() => redis.cleanup());
  const queues = redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis;
  cleanup(() => queues.disconnect());
  const scheduler = new BullScheduler(queues, redis.prefix, systemClock, KEY);
  cleanup(() => scheduler.close());
  const tenant = createGraph(
    {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      authorityHost: graph.authorityHost,
      graphBaseUrl: graph.graphBaseUrl,
    },
    log,
  );
  const deps: CoreDeps = {
    store: new RedisRequestStore(redis.redis, redis.prefix, KEY),
    audit: new RedisAuditLog(redis.redis, redis.prefix, KEY),
    directory: tenant.directory,
    privileges: tenant.privileges,
    notifier: new MemoryNotifier(),
    scheduler,
    clock: systemClock,
    ids: randomIds,
    policy: () => reliabilityPolicy,
  };
  return {
    graph,
    redis,
    deps,
    holdGraphClock: () => {
      heldAt = Date.now();
    },
  };
}

async function ask(deps: CoreDeps, seconds: number): Promise<string> {
  const submitted = await submit(deps, {
    requester: alice,
    platform: 'slack',
    targets: roleTargets([roles.helpdesk]),
    scope: '/',
    durationSeconds: seconds,
    startAt: null,
    ticket: null,
    reason: 'resetting a locked account',
  });
  if (!submitted.ok) throw new Error(submitted.error.message);
  return submitted.value.id;
}

const stateIs = (w: World, id: string, state: string) => async () =>
  (await w.deps.store.get(id))?.state === state;

/** HTTP statuses of the PIM schedule requests with this action, in order. */
const pimCalls = (w: World, action: string): number[] =>
  w.graph.calls
    .filter(
      (c) =>
        c.method === 'POST' &&
        c.path.startsWith(`/v1.0${REQUESTS}`) &&
        (c.body as { action?: string } | null)?.action === action,
    )
    .map((c) => c.status);

const aliceHolds = (w: World): boolean =>
  w.graph.tenant.activeAssignments().some((a) => a.principalId === alice.id);

async function auditActions(w: World, id: string): Promise<string[]> {
  const events = await w.deps.audit.list({ limit: 10_000 });
  return events.filter((e) => e.requestId === id).map((e) => e.action);
}

/** Nothing of the job left to run: not waiting, delayed, running, or failed. */
async function drained(w: World, job: JobName): Promise<boolean> {
  const queue = new Queue(queueName(job), { connection: w.redis.redis, prefix: w.redis.prefix });
  try {
    const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'failed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  } finally {
    await queue.close();
  }
}

/** The URL the test's own connection was made from (support/redis.ts reads REDIS_URL). */
function urlOf(redis: Redis): string {
  const { host, port, username, password, db, tls } = redis.options;
  const auth = password
    ? `${encodeURIComponent(username ?? '')}:${encodeURIComponent(password)}@`
    : '';
  return `${tls ? 'rediss' : 'redis'}://${auth}${host}:${port}/${db ?? 0}`;
}

interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves with the first `@@` line matching, or rejects if the process exits first. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  killHard(): Promise<void>;
}

type Crash = '' | 'before-remove' | 'after-remove' | 'before-assign' | 'after-assign';

function spawnWorker(w: World, crash: Crash): WorkerProcess {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      RELIABILITY_PREFIX: w.redis.prefix,
      RELIABILITY_HMAC_KEY: TRUSTED_REDIS_ENV.ELEVATE_HMAC_KEY,
      RELIABILITY_REDIS_URL: urlOf(w.redis.redis),
      RELIABILITY_TENANT_ID: w.graph.tenantId,
      RELIABILITY_CLIENT_ID: w.graph.clientId,
      RELIABILITY_CLIENT_SECRET: w.graph.clientSecret,
      RELIABILITY_AUTHORITY: w.graph.authorityHost,
      RELIABILITY_GRAPH_URL: w.graph.graphBaseUrl,
      RELIABILITY_CRASH: crash,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const killHard = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  cleanup(killHard);
  // Should the test process end without the cleanup (a crash), the worker ends with it.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  return {
    child,
    killHard,
    line: (pattern, timeoutMs = 15_000) =>
      waitFor(
        () => {
          const found = stdout.split('\n').find((l) => l.startsWith('@@') && pattern.test(l));
          if (found) return found;
          if (child.exitCode !== null)
            throw new Error(`worker process exited (${child.exitCode}): ${stderr}`);
          return null;
        },
        timeoutMs,
        `worker process line ${pattern}`,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; worker stderr: ${stderr.slice(-2_000)}`);
      }),
  };
}

describe('a worker process killed (SIGKILL) during an expiry', () => {
  it.each([
    {
      crash: 'before-remove' as const,
      when: 'before PIM is asked',
      // Only the new worker removes the role.
      removals: [201],
    },
    {
      crash: 'after-remove' as const,
      when: 'after PIM removed the role, before the end is recorded',
      // The dead worker's removal went through; the new worker's finds nothing left to remove.
      removals: [201, 400],
    },
  ])(
    '$when: a new worker process ends the grant once',
    async ({ crash, removals }) => {
      const w = await world();
      const first = spawnWorker(w, crash);
      await first.line(/^@@ready$/);

      const id = await ask(w.deps, 3);
      await waitFor(stateIs(w, id, 'active'), 10_000, 'active');
      w.holdGraphClock();
      expect(aliceHolds(w)).toBe(true);

      await first.line(crash === 'before-remove' ? /^@@removing / : /^@@removed /, 10_000);
      expect(aliceHolds(w)).toBe(crash === 'before-remove');
      await first.killHard();
      // The expire job is still claimed by the dead worker, and the request still active.
      expect((await w.deps.store.get(id))?.state).toBe('active');
      expect(await drained(w, 'expire')).toBe(false);

      const second = spawnWorker(w, '');
      await second.line(/^@@ready$/);
      const ended = await waitFor(
        async () => {
          const r = await w.deps.store.get(id);
          return r?.state === 'ended' ? r : null;
        },
        15_000,
        'the new worker to finish the expiry',
      );
      expect(ended.endReason).toBe('expired');
      await waitFor(() => drained(w, 'expire'), 5_000, 'expire job completed');

      expect(aliceHolds(w)).toBe(false);
      expect(pimCalls(w, 'adminAssign')).toEqual([201]);
      expect(pimCalls(w, 'adminRemove')).toEqual(removals);
      const actions = await auditActions(w, id);
      expect(actions.filter((a) => a === 'grant.activated')).toHaveLength(1);
      expect(actions.filter((a) => a === 'grant.ended')).toHaveLength(1);
      expect(actions.at(-1)).toBe('grant.ended');
      // The kill left no half-written entry in the hash chain.
      expect(await w.deps.audit.verify()).toMatchObject({ ok: true });
    },
    40_000,
  );
});

describe('a worker process killed (SIGKILL) during an activation', () => {
  it.each([
    { crash: 'before-assign' as const, when: 'before PIM is asked', assigns: [201] },
    {
      crash: 'after-assign' as const,
      when: 'after PIM granted the role, before the grant is recorded',
      // The dead worker's assignment went through; the resumed activation finds it in place.
      assigns: [201],
    },
  ])(
    '$when: the stalled job is resumed by a new worker process and grants once',
    async ({ crash, assigns }) => {
      const w = await world();
      const first = spawnWorker(w, crash);
      await first.line(/^@@ready$/);

      const id = await ask(w.deps, 3600);
      await first.line(crash === 'before-assign' ? /^@@assigning / : /^@@assigned /, 10_000);
      await first.killHard();
      expect((await w.deps.store.get(id))?.state).toBe('activating');
      expect(aliceHolds(w)).toBe(crash === 'after-assign');

      const second = spawnWorker(w, '');
      await second.line(/^@@ready$/);
      const active = await waitFor(
        async () => {
          const r = await w.deps.store.get(id);
          return r?.state === 'active' ? r : null;
        },
        15_000,
        'the new worker to resume the activation',
      );
      expect(active.endsAt).toBeGreaterThan(Date.now());
      await waitFor(() => drained(w, 'activate'), 5_000, 'activate job completed');
      expect(pimCalls(w, 'adminAssign').filter((s) => s === 201)).toEqual(assigns);
      expect(
        w.graph.tenant.activeAssignments().filter((a) => a.principalId === alice.id),
      ).toHaveLength(1);
      const actions = await auditActions(w, id);
      expect(actions.filter((a) => a === 'grant.activating')).toHaveLength(1);
      expect(actions.filter((a) => a === 'grant.activated')).toHaveLength(1);
      expect(actions).not.toContain('grant.failed');
      expect(await w.deps.audit.verify()).toMatchObject({ ok: true });
    },
    40_000,
  );
});

describe('Graph throttling and outages during request jobs', () => {
  function startWorkers(w: World): void {
    const workers = startRequestWorkers(w.deps, {
      connection: w.redis.redis.duplicate({ maxRetriesPerRequest: null }) as Redis,
      prefix: w.redis.prefix,
      log,
      backoff: { baseMs: 50, maxMs: 200 },
      seal: KEY,
    });
    cleanup(() => workers.close());
  }

  it('activation answered 429 with a Retry-After too long to wait in the call: the job retries and grants once', async () => {
    const w = await world();
    // 30 s is past the client's limit (8 s), so each 429 fails the job attempt at once.
    w.graph.faults.throttle(2, 30, REQUESTS);
    startWorkers(w);
    const id = await ask(w.deps, 3600);
    await waitFor(stateIs(w, id, 'active'), 10_000, 'active');

    const statuses = pimCalls(w, 'adminAssign');
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(w.graph.tenant.activeAssignments().filter((a) => a.principalId === alice.id)).toEqual([
      expect.objectContaining({ roleDefinitionId: roles.helpdesk.id }),
    ]);
    const actions = await auditActions(w, id);
    expect(actions.filter((a) => a === 'grant.activated')).toHaveLength(1);
    expect(actions).not.toContain('grant.failed');
  });

  it('expiry answered 503 more often than the client retries: the job retries and removes once', async () => {
    const w = await world();
    startWorkers(w);
    const id = await ask(w.deps, 2);
    await waitFor(stateIs(w, id, 'active'), 10_000, 'active');
    w.holdGraphClock();
    // The verify job reads PIM right after activation; the faults are for the expiry alone.
    await waitFor(() => drained(w, 'verify'), 5_000, 'verify job done');
    // The client tries a call 4 times (3 retries, Retry-After 50 ms): the first job attempt
    // fails on 503s alone, the second gets one more 503 and then through.
    w.graph.faults.unavailable(5, 0.05, REQUESTS);

    const ended = await waitFor(
      async () => {
        const r = await w.deps.store.get(id);
        return r?.state === 'ended' ? r : null;
      },
      10_000,
      'expiry',
    );
    expect(ended.endReason).toBe('expired');
    expect(pimCalls(w, 'adminRemove')).toEqual([503, 503, 503, 503, 503, 201]);
    expect(aliceHolds(w)).toBe(false);
    const actions = await auditActions(w, id);
    expect(actions.filter((a) => a === 'grant.ended')).toHaveLength(1);
  });
});
