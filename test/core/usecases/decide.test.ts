import { describe, expect, it, vi } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Principal } from '../../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../../bot/core/domain/request.ts';
import type { RoleEntry } from '../../../bot/core/domain/target.ts';
import { approve, deny } from '../../../bot/core/usecases/decide.ts';
import { applyTransition } from '../../../bot/core/usecases/record.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, type TestTenant, testTenant } from '../../support/tenant.ts';

async function pending(t: TestTenant, role: RoleEntry = roles.exchange) {
  const r = await submit(t.deps, {
    requester: people.alice,
    platform: 'teams',
    targets: roleTargets([role]),
    scope: '/',
    durationSeconds: 3600,
    startAt: null,
    ticket: null,
    reason: 'fixing mail flow INC-4711',
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('approve', () => {
  it('approves with quorum 1 and hands the request to the activate job', async () => {
    const t = testTenant();
    const request = await pending(t);
    const result = await approve(t.deps, request.id, people.bob);
    expect(result).toMatchObject({
      ok: true,
      value: { state: 'approved', version: 2, approvals: [{ by: { id: people.bob.id } }] },
    });
    expect(t.scheduler.pending()).toEqual([
      { job: 'activate', requestId: request.id, runAt: t.clock.now() },
    ]);
    expect(t.notifier.changes(request.id)).toEqual(['submitted', 'approved']);
    const audit = await t.deps.audit.list({ limit: 10 });
    expect(audit.map((e) => [e.action, e.actor?.id])).toEqual([
      ['request.submitted', people.alice.id],
      ['request.approved', people.bob.id],
    ]);
  });

  it('needs two distinct approvers for a quorum of 2', async () => {
    const t = testTenant();
    const request = await pending(t, roles.global);
    expect(await approve(t.deps, request.id, people.bob)).toMatchObject({
      ok: true,
      value: { state: 'pending_approval' },
    });
    expect(await approve(t.deps, request.id, people.bob)).toMatchObject({
      ok: false,
      error: { code: 'request.already_approved_by_you' },
    });
    expect(t.scheduler.pending().map((j) => j.job)).toEqual(['approval-timeout']);
    expect(await approve(t.deps, request.id, people.erin)).toMatchObject({
      ok: true,
      value: { state: 'approved' },
    });
    expect(t.notifier.changes(request.id)).toEqual(['submitted', 'approval_added', 'approved']);
  });

  it('refuses self-approval, also when the requester is in an approver group', async () => {
    const t = testTenant();
    const request = await pending(t);
    // Alice is in the SecOps approver group through a nested group.
    expect(await t.deps.directory.isAnyOf(people.alice.id, request.approval.approvers)).toBe(true);
    expect(await approve(t.deps, request.id, people.alice)).toMatchObject({
      ok: false,
      error: { code: 'request.self_approval' },
    });
    expect(await deny(t.deps, request.id, people.alice, 'no')).toMatchObject({
      ok: false,
      error: { code: 'request.self_approval' },
    });
    expect((await t.deps.store.get(request.id))?.state).toBe('pending_approval');
  });

  it('refuses people who are not approvers, and accepts group members', async () => {
    const t = testTenant();
    const request = await pending(t);
    const refused = await approve(t.deps, request.id, people.dave);
    expect(refused).toMatchObject({ ok: false, error: { code: 'request.not_approver' } });
    expect(refused.ok || refused.error.message).toContain('Exchange Administrator');
    expect(await approve(t.deps, request.id, people.erin)).toMatchObject({
      ok: true,
      value: { state: 'approved' },
    });
  });

  it('tells a late approver the request is already decided and changes nothing', async () => {
    const t = testTenant();
    const request = await pending(t);
    await approve(t.deps, request.id, people.bob);
    expect(await approve(t.deps, request.id, people.carol)).toMatchObject({
      ok: false,
      error: { code: 'request.already_decided' },
    });
    expect((await t.deps.store.get(request.id))?.version).toBe(2);
    expect(await t.deps.audit.list({ limit: 10 })).toHaveLength(2);
  });

  it('answers for an unknown request id', async () => {
    const t = testTenant();
    expect(await approve(t.deps, 'R9999999', people.bob)).toMatchObject({
      ok: false,
      error: { code: 'request.not_found' },
    });
  });
});

describe('deny', () => {
  it('ends the request with the reason, even after a partial approval', async () => {
    const t = testTenant();
    const request = await pending(t, roles.global);
    await approve(t.deps, request.id, people.bob);
    const result = await deny(t.deps, request.id, people.carol, 'use the break-glass runbook');
    expect(result).toMatchObject({
      ok: true,
      value: {
        state: 'denied',
        denial: { by: { id: people.carol.id }, reason: 'use the break-glass runbook' },
      },
    });
    expect(t.scheduler.pending()).toEqual([]);
    const last = (await t.deps.audit.list({ limit: 10 })).at(-1);
    expect(last).toMatchObject({ action: 'request.denied', reason: 'use the break-glass runbook' });
    expect(await approve(t.deps, request.id, people.erin)).toMatchObject({
      ok: false,
      error: { code: 'request.already_decided' },
    });
  });

  it('needs a reason and an approver', async () => {
    const t = testTenant();
    const request = await pending(t);
    expect(await deny(t.deps, request.id, people.bob, '  ')).toMatchObject({
      ok: false,
      error: { code: 'request.deny_reason_required' },
    });
    expect(await deny(t.deps, request.id, people.dave, 'no')).toMatchObject({
      ok: false,
      error: { code: 'request.not_approver' },
    });
  });
});

describe('a transition on the copy just read', () => {
  const approveOn = (t: TestTenant, copy: AccessRequest, by: Principal) =>
    applyTransition(
      t.deps,
      copy,
      { type: 'approve', by, eligibleUntil: null },
      'request.approved',
      by,
    );

  it('loses to a change made since, and is decided on the stored state', async () => {
    const t = testTenant();
    const stale = await pending(t);
    const denied = await deny(t.deps, stale.id, people.bob, 'not during the freeze');
    expect(denied).toMatchObject({ ok: true, value: { state: 'denied' } });
    const reads = vi.spyOn(t.deps.store, 'get');
    const late = await approveOn(t, stale, people.erin);
    // The copy lost the compare-and-set; the one read after it decided.
    expect(reads).toHaveBeenCalledTimes(1);
    expect(late).toMatchObject({ ok: false, error: { code: 'request.already_decided' } });
    expect(await t.deps.store.get(stale.id)).toMatchObject({ state: 'denied', version: 2 });
    const audit = await t.deps.audit.list({ limit: 10 });
    expect(audit.map((e) => e.action)).toEqual(['request.submitted', 'request.denied']);
  });

  it('stores the change when the copy is the stored version', async () => {
    const t = testTenant();
    const fresh = await pending(t);
    const reads = vi.spyOn(t.deps.store, 'get');
    const approved = await approveOn(t, fresh, people.bob);
    expect(approved).toMatchObject({ ok: true, value: { state: 'approved', version: 2 } });
    expect(reads).not.toHaveBeenCalled();
  });
});
