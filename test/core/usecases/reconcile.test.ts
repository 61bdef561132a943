import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { RoleEntry } from '../../../bot/core/domain/target.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { reconcile } from '../../../bot/core/usecases/reconcile.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, type TestTenant, testTenant } from '../../support/tenant.ts';

async function ask(t: TestTenant, role: RoleEntry, startAt: number | null = null) {
  const r = await submit(t.deps, {
    requester: people.alice,
    platform: 'slack',
    targets: roleTargets([role]),
    scope: '/',
    durationSeconds: 3600,
    startAt,
    ticket: null,
    reason: 'planned maintenance work',
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('reconcile', () => {
  it('re-creates every lost timer from the store', async () => {
    const t = testTenant();
    const pending = await ask(t, roles.exchange);
    const scheduled = await ask(t, roles.helpdesk, t.clock.now() + 7_200_000);
    const active = await ask(t, roles.helpdesk);
    await activate(t.deps, active.id);
    t.scheduler.takeDue(Number.MAX_SAFE_INTEGER); // every job lost, as after a Redis restore without AOF
    const report = await reconcile(t.deps);
    expect(report).toMatchObject({ checked: 3, overdueEnded: [], resumed: [] });
    const jobs = t.scheduler
      .pending()
      .map((j) => `${j.job} ${j.requestId}`)
      .sort();
    expect(jobs).toEqual(
      [
        `approval-timeout ${pending.id}`,
        `activate ${scheduled.id}`,
        `remind ${active.id}`,
        `expire ${active.id}`,
      ].sort(),
    );
    await reconcile(t.deps);
    expect(t.scheduler.pending()).toHaveLength(4);
  });

  it('ends grants that outlived their end, in PIM first', async () => {
    const t = testTenant();
    const grant = await ask(t, roles.helpdesk);
    await activate(t.deps, grant.id);
    t.scheduler.takeDue(Number.MAX_SAFE_INTEGER);
    t.clock.advance(3 * 3600_000);
    const report = await reconcile(t.deps);
    expect(report.overdueEnded).toEqual([grant.id]);
    expect(await t.deps.store.get(grant.id)).toMatchObject({
      state: 'ended',
      endReason: 'overdue_removed',
    });
    expect(t.privileges.deactivateCalls).toBe(1);
  });

  it('finishes an activation a dead worker left half-done, granting once', async () => {
    const t = testTenant();
    const r = await ask(t, roles.exchange);
    await approve(t.deps, r.id, people.bob);
    const current = await t.deps.store.get(r.id);
    if (!current) throw new Error('missing');
    await t.deps.store.update(
      { ...current, state: 'activating', version: current.version + 1, updatedAt: t.clock.now() },
      {
        at: t.clock.now(),
        action: 'grant.activating',
        requestId: r.id,
        actor: null,
        requester: current.requester,
        targets: current.targets,
        state: 'activating',
        reason: null,
        ticket: null,
        platform: 'slack',
        details: {},
      },
    );
    expect((await reconcile(t.deps)).resumed).toEqual([]);
    t.clock.advance(10 * 60_000);
    expect((await reconcile(t.deps)).resumed).toEqual([r.id]);
    expect((await t.deps.store.get(r.id))?.state).toBe('active');
    expect(t.privileges.activateCalls).toBe(1);
  });
});
