import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { RoleEntry } from '../../../bot/core/domain/target.ts';
import { appError } from '../../../bot/core/errors.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { cancel } from '../../../bot/core/usecases/cancel.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { end } from '../../../bot/core/usecases/end.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, type TestTenant, testTenant } from '../../support/tenant.ts';

async function approved(t: TestTenant, list: RoleEntry[] = [roles.exchange]) {
  const r = await submit(t.deps, {
    requester: people.alice,
    platform: 'slack',
    targets: roleTargets(list),
    scope: '/',
    durationSeconds: 3600,
    startAt: null,
    ticket: null,
    reason: 'fixing mail flow INC-4711',
  });
  if (!r.ok) throw new Error(r.error.message);
  // A role that needs no approval (Helpdesk) is approved on submission.
  const a =
    r.value.state === 'pending_approval'
      ? await approve(t.deps, r.value.id, people.bob)
      : { ok: true as const, value: r.value };
  if (!a.ok) throw new Error(a.error.message);
  t.scheduler.takeDue(t.clock.now());
  return a.value;
}

describe('activate', () => {
  it('grants every role once, then schedules verify, remind and expire', async () => {
    const t = testTenant();
    const request = await approved(t, [roles.exchange, roles.helpdesk]);
    const result = await activate(t.deps, request.id);
    const endsAt = t.clock.now() + 3600_000;
    expect(result).toMatchObject({
      ok: true,
      value: { state: 'active', endsAt, activatedAt: t.clock.now() },
    });
    expect(t.privileges.activateCalls).toBe(2);
    expect(
      (await t.privileges.activeAssignments(people.alice.id)).map((a) => a.target.name),
    ).toEqual(['Exchange Administrator', 'Helpdesk Administrator']);
    expect(t.scheduler.pending()).toEqual([
      { job: 'verify', requestId: request.id, runAt: t.clock.now() },
      { job: 'remind', requestId: request.id, runAt: endsAt - 600_000 },
      { job: 'expire', requestId: request.id, runAt: endsAt },
    ]);
    expect(t.notifier.changes(request.id).at(-1)).toBe('activated');
  });

  it('does nothing the second time: a replayed job never grants twice', async () => {
    const t = testTenant();
    const request = await approved(t);
    await activate(t.deps, request.id);
    const again = await activate(t.deps, request.id);
    expect(again).toMatchObject({ ok: true, value: { state: 'active', version: 4 } });
    expect(t.privileges.activateCalls).toBe(1);
    // Another role: Entra holds one assignment per role, so a second grant of the same one is refused.
    const concurrent = await approved(t, [roles.helpdesk]);
    const both = await Promise.all([
      activate(t.deps, concurrent.id),
      activate(t.deps, concurrent.id),
    ]);
    expect(both.every((r) => r.ok)).toBe(true);
    expect(t.privileges.activateCalls).toBe(2);
    expect((await t.deps.store.get(concurrent.id))?.state).toBe('active');
  });

  it('resumes an interrupted activation when the job is retried', async () => {
    const t = testTenant();
    const request = await approved(t);
    await activate(t.deps, request.id);
    // Simulate a crash after "activating" was stored but before the grant was recorded.
    const stuck = await approved(t, [roles.helpdesk]);
    const current = await t.deps.store.get(stuck.id);
    if (!current) throw new Error('missing');
    await t.deps.store.update(
      { ...current, state: 'activating', version: current.version + 1 },
      {
        at: t.clock.now(),
        action: 'grant.activating',
        requestId: stuck.id,
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
    expect(await activate(t.deps, stuck.id)).toMatchObject({
      ok: true,
      value: { state: 'activating' },
    });
    expect(await activate(t.deps, stuck.id, { resume: true })).toMatchObject({
      ok: true,
      value: { state: 'active' },
    });
  });

  it('grants the targets PIM accepts and reports the refused one on its own', async () => {
    const t = testTenant();
    const request = await approved(t, [roles.exchange, roles.helpdesk]);
    // First grant succeeds, the second is refused by PIM.
    const original = t.privileges.activate.bind(t.privileges);
    let calls = 0;
    t.privileges.activate = async (g) =>
      ++calls === 2
        ? { ok: false, error: appError('policy.not_eligible', { role: g.target.name, scope: '/' }) }
        : original(g);
    const result = await activate(t.deps, request.id);
    expect(result).toMatchObject({ ok: true, value: { state: 'active', failure: null } });
    const saved = result.ok ? result.value : null;
    expect(saved?.failedTargets?.map((f) => [f.target.name, f.code])).toEqual([
      ['Helpdesk Administrator', 'policy.not_eligible'],
    ]);
    expect(saved?.failedTargets?.[0]?.message).toMatch(
      /Activating `Helpdesk Administrator` failed: .*The other targets of this request were granted/,
    );
    expect(
      (await t.privileges.activeAssignments(people.alice.id)).map((a) => a.target.name),
    ).toEqual(['Exchange Administrator']);
    const events = await t.deps.audit.list({ limit: 50 });
    const activated = events.find((e) => e.action === 'grant.activated');
    expect(activated?.details).toMatchObject({
      granted: 'Exchange Administrator',
      failed: 'Helpdesk Administrator (policy.not_eligible)',
    });
    // Ending the request removes only what was granted.
    t.privileges.deactivateCalls = 0;
    expect((await end(t.deps, request.id, 'deactivated', people.alice)).ok).toBe(true);
    expect(t.privileges.deactivateCalls).toBe(1);
  });

  it('fails the request when PIM refuses every target, saying why for each', async () => {
    const t = testTenant();
    const request = await approved(t, [roles.exchange, roles.helpdesk]);
    t.privileges.activate = async (g) => ({
      ok: false,
      error: appError('policy.not_eligible', { role: g.target.name, scope: '/' }),
    });
    const result = await activate(t.deps, request.id);
    expect(result).toMatchObject({
      ok: true,
      value: { state: 'failed', failure: { code: 'policy.not_eligible' } },
    });
    expect(result.ok && result.value.failure?.message).toMatch(
      /Activating `Exchange Administrator, Helpdesk Administrator` failed: .*Exchange.*Helpdesk.*Nothing was granted/,
    );
    expect(t.notifier.changes(request.id).at(-1)).toBe('failed');
  });
});

describe('end', () => {
  it('removes the assignment first, then records the end', async () => {
    const t = testTenant();
    const request = await approved(t);
    await activate(t.deps, request.id);
    t.clock.advance(3600_000);
    const result = await end(t.deps, request.id, 'expired', null);
    expect(result).toMatchObject({
      ok: true,
      value: { state: 'ended', endReason: 'expired', endedAt: t.clock.now() },
    });
    expect(t.privileges.deactivateCalls).toBe(1);
    expect(await end(t.deps, request.id, 'expired', null)).toMatchObject({
      ok: true,
      value: { state: 'ended' },
    });
    expect(t.privileges.deactivateCalls).toBe(1);
  });

  it('lets only the requester deactivate early, and drops the pending jobs', async () => {
    const t = testTenant();
    const request = await approved(t);
    await activate(t.deps, request.id);
    expect(await end(t.deps, request.id, 'deactivated', people.bob)).toMatchObject({
      ok: false,
      error: { code: 'request.not_requester' },
    });
    expect(await end(t.deps, request.id, 'deactivated', people.alice)).toMatchObject({
      ok: true,
      value: { endReason: 'deactivated' },
    });
    expect(t.scheduler.pending().map((j) => j.job)).toEqual(['verify']);
    expect(await t.privileges.activeAssignments(people.alice.id)).toEqual([]);
  });

  it('refuses to end what is not active', async () => {
    const t = testTenant();
    const request = await approved(t);
    expect(await end(t.deps, request.id, 'expired', null)).toMatchObject({
      ok: false,
      error: { code: 'request.wrong_state' },
    });
  });
});

describe('cancel', () => {
  it('withdraws a pending request and its jobs; only the requester may', async () => {
    const t = testTenant();
    const r = await submit(t.deps, {
      requester: people.alice,
      platform: 'slack',
      targets: roleTargets([roles.exchange]),
      scope: '/',
      durationSeconds: 3600,
      startAt: null,
      ticket: null,
      reason: 'fixing mail flow INC-4711',
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(await cancel(t.deps, r.value.id, people.bob)).toMatchObject({
      ok: false,
      error: { code: 'request.not_requester' },
    });
    expect(await cancel(t.deps, r.value.id, people.alice)).toMatchObject({
      ok: true,
      value: { state: 'canceled' },
    });
    expect(t.scheduler.pending()).toEqual([]);
    expect(await approve(t.deps, r.value.id, people.bob)).toMatchObject({
      ok: false,
      error: { code: 'request.already_decided' },
    });
    expect(await cancel(t.deps, r.value.id, people.alice)).toMatchObject({
      ok: false,
      error: { code: 'request.wrong_state' },
    });
  });
});

describe('justification written to PIM', () => {
  it('keeps the request mark however long the reason is', async () => {
    const { justification } = await import('../../../bot/core/usecases/activate.ts');
    const { makeRequest } = await import('../../support/fixtures.ts');
    const text = justification(makeRequest({ id: 'R0000077', reason: 'x'.repeat(2_000) }));
    expect(text.length).toBeLessThanOrEqual(500);
    expect(text.startsWith('elevate R0000077, requested by')).toBe(true);
  });
});
