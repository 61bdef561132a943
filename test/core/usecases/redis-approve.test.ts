/**
 * The use cases on the real Redis store: concurrent clicks by many approvers on one request
 * make exactly one transition, one audit entry and one activation job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDirectory } from '../../../adapters/memory/directory.ts';
import { RedisAuditLog } from '../../../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../../../adapters/redis/request-store.ts';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Principal } from '../../../bot/core/domain/principal.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import type { CoreDeps } from '../../../bot/core/usecases/deps.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { type FreshRedis, freshRedis } from '../../support/redis.ts';
import { people, roles, SECOPS_GROUP, testTenant } from '../../support/tenant.ts';

let redis: FreshRedis;
beforeAll(async () => {
  redis = await freshRedis();
});
afterAll(async () => {
  await redis.cleanup();
});

const approvers: Principal[] = Array.from({ length: 50 }, (_, i) => ({
  id: `u-approver-${i}`,
  displayName: `Approver ${i}`,
  email: `approver${i}@contoso.com`,
}));

function tenant() {
  const audit = new RedisAuditLog(redis.redis, redis.prefix);
  const t = testTenant({ store: new RedisRequestStore(redis.redis, redis.prefix), audit });
  const directory = new MemoryDirectory(
    [...Object.values(people), ...approvers],
    [{ id: SECOPS_GROUP, members: approvers.map((a) => a.id) }],
  );
  const deps: CoreDeps = { ...t.deps, directory };
  return { ...t, deps };
}

describe('approve on Redis', () => {
  it('50 concurrent approvals make exactly one transition', async () => {
    const t = tenant();
    const submitted = await submit(t.deps, {
      requester: people.alice,
      platform: 'slack',
      targets: roleTargets([roles.exchange]),
      scope: '/',
      durationSeconds: 3600,
      startAt: null,
      ticket: null,
      reason: 'fixing mail flow INC-4711',
    });
    if (!submitted.ok) throw new Error(submitted.error.message);
    const id = submitted.value.id;

    const results = await Promise.all(approvers.map((a) => approve(t.deps, id, a)));

    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    const codes = new Set(results.flatMap((r) => (r.ok ? [] : [r.error.code])));
    expect(codes).toEqual(new Set(['request.already_decided']));
    const stored = await t.deps.store.get(id);
    expect(stored).toMatchObject({ state: 'approved', version: 2 });
    expect(stored?.approvals).toHaveLength(1);
    const events = await t.deps.audit.list({ limit: 100 });
    expect(events.filter((e) => e.requestId === id).map((e) => e.action)).toEqual([
      'request.submitted',
      'request.approved',
    ]);
    expect(t.scheduler.pending().filter((j) => j.job === 'activate')).toHaveLength(1);
    expect(await t.deps.audit.verify()).toMatchObject({ ok: true });

    const activations = await Promise.all([
      activate(t.deps, id),
      activate(t.deps, id),
      activate(t.deps, id),
    ]);
    expect(activations.every((r) => r.ok)).toBe(true);
    expect(t.privileges.activateCalls).toBe(1);
    expect((await t.deps.store.get(id))?.state).toBe('active');
  });
});
