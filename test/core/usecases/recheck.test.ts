/**
 * Facts read again when they matter: the approval deadline at the click, the accounts at
 * submit, approval and activation, the eligibility (and its end) at approval and activation,
 * scheduled starts included.
 */
import { describe, expect, it, vi } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { RoleEntry } from '../../../bot/core/domain/target.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve, deny } from '../../../bot/core/usecases/decide.ts';
import { extend } from '../../../bot/core/usecases/extend.ts';
import { APPROVAL_FACTS_MS } from '../../../bot/core/usecases/recheck.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, type TestTenant, target, testTenant } from '../../support/tenant.ts';

const HOUR = 3_600_000;

async function pending(
  t: TestTenant,
  role: RoleEntry = roles.exchange,
  startAt: number | null = null,
) {
  const r = await submit(t.deps, {
    requester: people.alice,
    platform: 'slack',
    targets: roleTargets([role]),
    scope: '/',
    durationSeconds: 2 * 3600,
    startAt,
    ticket: null,
    reason: 'fixing mail flow INC-4711',
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('the approval deadline', () => {
  it('refuses a click after approval.timeout even when the timeout job has not run', async () => {
    const t = testTenant();
    const request = await pending(t);
    t.clock.advance(HOUR + 1);
    expect(await approve(t.deps, request.id, people.bob)).toMatchObject({
      ok: false,
      error: { code: 'request.approval_timed_out' },
    });
    expect(await deny(t.deps, request.id, people.bob, 'too late anyway')).toMatchObject({
      ok: false,
      error: { code: 'request.approval_timed_out' },
    });
    expect((await t.deps.store.get(request.id))?.state).toBe('pending_approval');
    expect(t.scheduler.pending().map((j) => j.job)).toEqual(['approval-timeout']);
  });

  it('accepts a click just before the deadline', async () => {
    const t = testTenant();
    const request = await pending(t);
    t.clock.advance(HOUR - 1);
    expect(await approve(t.deps, request.id, people.bob)).toMatchObject({
      ok: true,
      value: { state: 'approved' },
    });
  });
});

describe('accounts disabled in Entra', () => {
  it('a disabled requester cannot submit, whatever chat still knows of them', async () => {
    const t = testTenant();
    t.directory.disable(people.alice.id);
    expect(
      await submit(t.deps, {
        requester: people.alice,
        platform: 'slack',
        targets: roleTargets([roles.exchange]),
        scope: '/',
        durationSeconds: 3600,
        startAt: null,
        ticket: null,
        reason: 'fixing mail flow INC-4711',
      }),
    ).toMatchObject({ ok: false, error: { code: 'identity.disabled' } });
    expect((await t.deps.store.listAll({ limit: 10 })).items).toHaveLength(0);
  });

  it('a disabled approver cannot approve; a disabled requester is not approved', async () => {
    const t = testTenant();
    const request = await pending(t);
    t.directory.disable(people.bob.id);
    expect(await approve(t.deps, request.id, people.bob)).toMatchObject({
      ok: false,
      error: { code: 'identity.disabled' },
    });
    t.directory.disable(people.alice.id);
    expect(await approve(t.deps, request.id, people.carol)).toMatchObject({
      ok: false,
      error: { code: 'request.requester_disabled' },
    });
    // Deny still works: the approver can end it.
    expect(await deny(t.deps, request.id, people.carol, 'account is disabled')).toMatchObject({
      ok: true,
      value: { state: 'denied' },
    });
  });

  it('an approved request of a requester disabled since fails at activation, granting nothing', async () => {
    const t = testTenant();
    const request = await pending(t);
    await approve(t.deps, request.id, people.bob);
    t.directory.disable(people.alice.id);
    // The activate job runs later than the approval's own re-check counts for.
    t.clock.advance(APPROVAL_FACTS_MS + 1);
    expect(await activate(t.deps, request.id)).toMatchObject({
      ok: true,
      value: { state: 'failed', failure: { code: 'grant.requester_disabled' } },
    });
    expect(t.privileges.activateCalls).toBe(0);
  });

  it('an activation right after the approval goes on what the approval read; later, or on a clock behind, it reads again', async () => {
    for (const [late, reads] of [
      [0, 0],
      [APPROVAL_FACTS_MS, 0],
      [APPROVAL_FACTS_MS + 1, 1],
      [-(APPROVAL_FACTS_MS + 1), 1],
    ] as const) {
      const t = testTenant();
      const request = await pending(t);
      await approve(t.deps, request.id, people.bob);
      expect((await t.deps.store.get(request.id))?.eligibleUntil).toBeNull();
      const accounts = vi.spyOn(t.deps.directory, 'isEnabled');
      const eligibility = vi.spyOn(t.deps.privileges, 'eligibilities');
      t.clock.advance(late);
      expect(await activate(t.deps, request.id)).toMatchObject({ value: { state: 'active' } });
      // The provider's own check at granting reads the eligibilities once more, every time.
      expect([accounts.mock.calls.length, eligibility.mock.calls.length]).toEqual([
        reads,
        reads + 1,
      ]);
    }
  });
});

describe('eligibility read again', () => {
  it('an approval is refused once the requester lost the eligibility', async () => {
    const t = testTenant();
    const request = await pending(t);
    t.privileges.removeEligibility(people.alice.id, roles.exchange.id);
    expect(await approve(t.deps, request.id, people.bob)).toMatchObject({
      ok: false,
      error: { code: 'request.no_longer_eligible' },
    });
  });

  it('a grant is cut to end when the eligibility ends, and says so', async () => {
    const t = testTenant();
    const ends = t.clock.now() + 50 * 60_000;
    t.privileges.removeEligibility(people.alice.id, roles.exchange.id);
    t.privileges.makeEligible(people.alice.id, target(roles.exchange), ends);
    const request = await pending(t);
    expect(request.eligibleUntil).toBe(ends);
    await approve(t.deps, request.id, people.bob);
    t.clock.advance(10 * 60_000);
    const active = await activate(t.deps, request.id);
    expect(active).toMatchObject({ ok: true, value: { state: 'active', endsAt: ends } });
    const audit = await t.deps.audit.list({ limit: 10 });
    expect(audit.find((e) => e.action === 'grant.activated')?.details).toEqual({
      endsAt: ends,
      eligibleUntil: ends,
    });
  });

  it('the longest-lasting eligibility that covers the role counts', async () => {
    const t = testTenant();
    // Alice holds Exchange permanently (the test world) and also until soon: no cut.
    t.privileges.makeEligible(people.alice.id, target(roles.exchange), t.clock.now() + 60_000);
    const request = await pending(t);
    expect(request.eligibleUntil).toBeNull();
  });

  it('a scheduled start checks again: an eligibility ended before the start grants nothing', async () => {
    const t = testTenant();
    const start = t.clock.now() + 3 * HOUR;
    t.privileges.removeEligibility(people.alice.id, roles.exchange.id);
    t.privileges.makeEligible(people.alice.id, target(roles.exchange), t.clock.now() + 2 * HOUR);
    const request = await pending(t, roles.exchange, start);
    expect((await approve(t.deps, request.id, people.bob)).ok).toBe(true);
    expect((await t.deps.store.get(request.id))?.state).toBe('scheduled');
    t.clock.set(start);
    expect(await activate(t.deps, request.id)).toMatchObject({
      ok: true,
      value: { state: 'failed', failure: { code: 'grant.no_longer_eligible' } },
    });
    expect(t.privileges.activateCalls).toBe(0);
  });

  it('an eligibility ending within minutes of the start grants nothing', async () => {
    const t = testTenant();
    t.privileges.removeEligibility(people.alice.id, roles.exchange.id);
    t.privileges.makeEligible(people.alice.id, target(roles.exchange), t.clock.now() + 20 * 60_000);
    const request = await pending(t);
    await approve(t.deps, request.id, people.bob);
    t.clock.advance(18 * 60_000);
    expect(await activate(t.deps, request.id)).toMatchObject({
      ok: true,
      value: { state: 'failed', failure: { code: 'grant.eligibility_ending' } },
    });
    expect(t.privileges.activateCalls).toBe(0);
  });
});

describe('extending a grant', () => {
  it('may not go past the end of the eligibility', async () => {
    const t = testTenant();
    t.privileges.removeEligibility(people.alice.id, roles.exchange.id);
    t.privileges.makeEligible(people.alice.id, target(roles.exchange), t.clock.now() + 3 * HOUR);
    const request = await pending(t);
    await approve(t.deps, request.id, people.bob);
    await activate(t.deps, request.id);
    expect(await extend(t.deps, request.id, people.alice, 2 * 3600)).toMatchObject({
      ok: false,
      error: { code: 'grant.extend_past_eligibility' },
    });
    expect((await extend(t.deps, request.id, people.alice, 3600)).ok).toBe(true);
  });
});
