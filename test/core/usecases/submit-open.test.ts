/**
 * A second request for a role the person already has open or active is refused before the
 * approvers see it: it would spend a decision and then fail in PIM (the assignment exists).
 */
import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { AccessRequest, RequestState } from '../../../bot/core/domain/request.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { auditEvent } from '../../../bot/core/usecases/record.ts';
import { type SubmitInput, submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, type TestTenant, testTenant } from '../../support/tenant.ts';

const HOUR = 3600_000;

const input = (over: Partial<SubmitInput> = {}): SubmitInput => ({
  requester: people.alice,
  platform: 'slack',
  targets: roleTargets([roles.exchange]),
  scope: '/',
  durationSeconds: 3600,
  startAt: null,
  ticket: null,
  reason: 'fixing mail flow INC-4711',
  ...over,
});

async function submitted(t: TestTenant, over: Partial<SubmitInput> = {}): Promise<AccessRequest> {
  const r = await submit(t.deps, input(over));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Puts a stored request into `state`, as the lifecycle would have. */
async function forceState(t: TestTenant, r: AccessRequest, state: RequestState) {
  const next = { ...r, state, version: r.version + 1, updatedAt: t.clock.now() };
  const saved = await t.deps.store.update(
    next,
    auditEvent(next, 'request.submitted', null, t.clock.now()),
  );
  if (!saved.ok) throw new Error(saved.error);
  return saved.value;
}

async function storedIds(t: TestTenant) {
  return (await t.deps.store.listAll({ limit: 100 })).items.map((r) => r.id);
}

describe('submit refuses a role the person already has open', () => {
  it.each([
    ['pending_approval', /Wait for it, or withdraw it with `\/elevate cancel R\S+`/],
    ['approved', /Wait for it, or withdraw it with `\/elevate cancel R\S+`/],
    ['awaiting_mfa', /Wait for it, or withdraw it with `\/elevate cancel R\S+`/],
    ['activating', /being activated right now/],
    ['active', /`\/elevate extend R\S+ <duration>`/],
  ] as const)('while it is %s, and tells what to do instead', async (state, advice) => {
    const t = testTenant();
    const first = await forceState(t, await submitted(t), state);
    const before = await t.deps.audit.list({ limit: 100 });
    const changes = t.notifier.changes(first.id);
    const jobs = t.scheduler.pending();

    const second = await submit(t.deps, input({ reason: 'fixing mail flow again INC-4712' }));

    expect(second).toMatchObject({ ok: false, error: { code: 'request.already_open' } });
    const message = second.ok ? '' : second.error.message;
    expect(message).toContain(`\`${first.id}\``);
    expect(message).toContain('`Exchange Administrator`');
    expect(message).toMatch(advice);
    if (state !== 'active' && state !== 'activating')
      expect(message).toContain(state.replace('_', ' '));
    // Nothing stored, audited, scheduled or posted for the refused request.
    expect(await storedIds(t)).toEqual([first.id]);
    expect(await t.deps.audit.list({ limit: 100 })).toEqual(before);
    expect(t.scheduler.pending()).toEqual(jobs);
    expect(t.notifier.changes(first.id)).toEqual(changes);
  });

  it('refuses while the earlier one is active after a real approval, pointing at extend', async () => {
    const t = testTenant();
    const first = await submitted(t);
    expect((await approve(t.deps, first.id, people.bob)).ok).toBe(true);
    expect((await activate(t.deps, first.id)).ok).toBe(true);
    expect((await t.deps.store.get(first.id))?.state).toBe('active');
    const second = await submit(t.deps, input());
    expect(!second.ok && second.error.message).toBe(
      `You already have \`Exchange Administrator\` active with request \`${first.id}\`, so nothing was asked. To keep it longer: \`/elevate extend ${first.id} <duration>\`.`,
    );
  });

  it('refuses when any of several roles is already open', async () => {
    const t = testTenant();
    const first = await submitted(t);
    const second = await submit(
      t.deps,
      input({ targets: roleTargets([roles.helpdesk, roles.exchange]) }),
    );
    expect(second).toMatchObject({ ok: false, error: { code: 'request.already_open' } });
    expect(!second.ok && second.error.message).toContain(first.id);
    expect(await storedIds(t)).toEqual([first.id]);
  });

  it('refuses the same role on another scope (PIM has one assignment per role and person)', async () => {
    const t = testTenant();
    await submitted(t);
    const second = await submit(t.deps, input({ scope: '/administrativeUnits/au-1' }));
    expect(!second.ok && second.error.code).toBe('request.already_open');
  });

  it('lets another person ask for the same role, and the same person for another role', async () => {
    const t = testTenant();
    await submitted(t);
    expect((await submit(t.deps, input({ requester: people.erin }))).ok).toBe(true);
    expect((await submit(t.deps, input({ targets: roleTargets([roles.global]) }))).ok).toBe(true);
  });

  it.each(['ended', 'denied', 'failed', 'canceled', 'approval_expired', 'rejected'] as const)(
    'lets the person ask again once the earlier one is %s',
    async (state) => {
      const t = testTenant();
      const first = await forceState(t, await submitted(t), state);
      const second = await submit(t.deps, input());
      if (!second.ok) throw new Error(second.error.message);
      expect(second.value.state).toBe('pending_approval');
      expect(await storedIds(t)).toEqual([second.value.id, first.id]);
    },
  );

  it('lets a scheduled request block only the windows it overlaps', async () => {
    const t = testTenant();
    // Helpdesk needs no approval: scheduled straight away for [now+2h, now+3h).
    const startAt = t.clock.now() + 2 * HOUR;
    const scheduled = await submitted(t, { targets: roleTargets([roles.helpdesk]), startAt });
    expect(scheduled.state).toBe('scheduled');
    const ask = (over: Partial<SubmitInput>) =>
      submit(t.deps, input({ targets: roleTargets([roles.helpdesk]), ...over }));

    // [now+3h, now+4h) and then [now, now+1h) meet neither scheduled window.
    const after = await ask({ startAt: startAt + HOUR });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.state).toBe('scheduled');
    const before = await ask({ durationSeconds: 3600 });
    if (!before.ok) throw new Error(before.error.message);
    expect(before.value.state).toBe('approved');

    const t2 = testTenant();
    const scheduled2 = await submitted(t2, { targets: roleTargets([roles.helpdesk]), startAt });
    const ask2 = (over: Partial<SubmitInput>) =>
      submit(t2.deps, input({ targets: roleTargets([roles.helpdesk]), ...over }));
    // [now, now+2h30m) runs into it; so does a start inside it, and one just before it.
    for (const over of [
      { durationSeconds: 2.5 * 3600 },
      { startAt: startAt + HOUR / 2 },
      { startAt: startAt - HOUR / 2 },
    ]) {
      const refused = await ask2(over);
      expect(refused).toMatchObject({ ok: false, error: { code: 'request.already_open' } });
      expect(!refused.ok && refused.error.message).toContain(
        `You already have request \`${scheduled2.id}\` for \`Helpdesk Administrator\`, scheduled`,
      );
      expect(!refused.ok && refused.error.message).toContain(`/elevate cancel ${scheduled2.id}`);
    }
    expect(await storedIds(t2)).toEqual([scheduled2.id]);
  });
});
