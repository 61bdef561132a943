/**
 * Break-glass in the core: only listed people and targets, a confirmation first, then an
 * activation without approval that the approvers must acknowledge in time or it escalates.
 */
import { describe, expect, it } from 'vitest';
import type { BreakglassPolicy, Policy } from '../../../bot/core/domain/policy.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import {
  acknowledgeBreakglass,
  breakglassReviewDue,
  listedTarget,
} from '../../../bot/core/usecases/breakglass.ts';
import { type Asker, handleCommand } from '../../../bot/core/usecases/chat-command.ts';
import { people, roles, testPolicy, testTenant } from '../../support/tenant.ts';

const H = 3600;
const RULES: BreakglassPolicy = {
  allowed: ['alice@contoso.com', 'dave@contoso.com'],
  targets: ['Exchange Administrator', 'Global Administrator'],
  maxDuration: 2 * H,
  reviewWithin: H,
};

function withBreakglass(rules: BreakglassPolicy | undefined = RULES): Policy {
  const exchange = testPolicy.roles.get('Exchange Administrator');
  if (!exchange) throw new Error('Exchange Administrator');
  const roles = new Map(testPolicy.roles);
  roles.set('Exchange Administrator', {
    ...exchange,
    policy: {
      ...exchange.policy,
      approval: { ...exchange.policy.approval, escalateTo: ['erin@contoso.com'] },
    },
  });
  return { ...testPolicy, roles, ...(rules ? { breakglass: rules } : {}) };
}

const as = (principal: Asker['principal']): Asker => ({ principal, platform: 'slack' });

async function started(t: ReturnType<typeof testTenant>) {
  const reply = await handleCommand(
    t.deps,
    as(people.alice),
    'breakglass confirm Exchange Administrator -- mail flow down INC-4711',
  );
  if (reply.kind !== 'breakglass_started') throw new Error(JSON.stringify(reply));
  return reply.request;
}

const actions = async (t: ReturnType<typeof testTenant>) =>
  (await t.deps.audit.list({ limit: 100 })).map((e) => e.action);

describe('break-glass', () => {
  it('says it is not configured without a breakglass section', async () => {
    const t = testTenant(null, { ...testPolicy });
    const reply = await handleCommand(t.deps, as(people.alice), 'breakglass exo down');
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'breakglass.not_configured' } });
  });

  it('asks to confirm first and grants nothing until then', async () => {
    const t = testTenant(null, withBreakglass());
    const reply = await handleCommand(
      t.deps,
      as(people.alice),
      'breakglass exchange administrator mail flow down INC-4711',
    );
    expect(reply).toMatchObject({
      kind: 'breakglass_confirm',
      plan: {
        target: { name: 'Exchange Administrator' },
        reason: 'mail flow down INC-4711',
        durationSeconds: 2 * H,
        confirmText: 'Exchange Administrator -- mail flow down INC-4711',
      },
    });
    expect(t.scheduler.pending()).toEqual([]);
    expect(await t.deps.store.listInStates(['approved', 'active'])).toEqual([]);
    expect(await actions(t)).toEqual([]);
  });

  it('confirmed: activates at once without approval, marked and audited, loudly announced', async () => {
    const t = testTenant(null, withBreakglass());
    const request = await started(t);
    expect(request).toMatchObject({
      state: 'approved',
      approvals: [],
      durationSeconds: 2 * H,
      approval: { required: false, escalateTo: ['erin@contoso.com'] },
      breakglass: { reviewBy: t.clock.now() + H * 1000, acknowledgedBy: null, escalatedAt: null },
    });
    expect(request.approval.approvers).toContain('bob@contoso.com');
    expect(t.scheduler.pending()).toEqual(
      expect.arrayContaining([
        { job: 'activate', requestId: request.id, runAt: t.clock.now() },
        { job: 'breakglass-review', requestId: request.id, runAt: t.clock.now() + H * 1000 },
      ]),
    );
    expect(t.notifier.changes(request.id)).toEqual(['approved']);
    expect(t.notifier.alerts).toMatchObject([
      {
        kind: 'breakglass_used',
        title: 'BREAK-GLASS: Alice Admin activated Exchange Administrator without approval',
      },
    ]);
    const [event] = await t.deps.audit.list({ limit: 10 });
    expect(event).toMatchObject({
      action: 'request.breakglass',
      requestId: request.id,
      details: { breakglass: true, durationSeconds: 2 * H },
    });
    const active = await activate(t.deps, request.id);
    expect(active).toMatchObject({ ok: true, value: { state: 'active' } });
    const granted = await t.privileges.activeAssignments(people.alice.id);
    expect(granted.map((a) => a.target.name)).toEqual(['Exchange Administrator']);
  });

  it('refuses someone not allowed, and a target not listed, audited and told to security', async () => {
    const t = testTenant(null, withBreakglass());
    const erin = await handleCommand(
      t.deps,
      as(people.erin),
      'breakglass confirm Exchange Administrator mail flow down',
    );
    expect(erin).toMatchObject({ kind: 'error', error: { code: 'breakglass.not_allowed' } });
    const helpdesk = await handleCommand(
      t.deps,
      as(people.alice),
      'breakglass Helpdesk Administrator printer jam',
    );
    expect(helpdesk).toMatchObject({
      kind: 'error',
      error: { code: 'breakglass.target_not_listed' },
    });
    const events = await t.deps.audit.list({ limit: 10 });
    expect(events.map((e) => [e.action, e.actor?.id, e.details.code])).toEqual([
      ['breakglass.refused', people.erin.id, 'breakglass.not_allowed'],
      ['breakglass.refused', people.alice.id, 'breakglass.target_not_listed'],
    ]);
    expect(t.notifier.alerts.map((a) => a.kind)).toEqual([
      'breakglass_refused',
      'breakglass_refused',
    ]);
    expect(t.scheduler.pending()).toEqual([]);
  });

  it('stays bounded by PIM eligibility: an allowed person who is not eligible gets nothing', async () => {
    const t = testTenant(null, withBreakglass());
    const reply = await handleCommand(
      t.deps,
      as(people.dave),
      'breakglass confirm Exchange Administrator mail flow down',
    );
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'policy.not_eligible' } });
    expect((await t.deps.audit.list({ limit: 10 })).map((e) => e.action)).toEqual([
      'breakglass.refused',
    ]);
  });

  it('refuses a target that needs MFA when no sign-in from chat is set up, before granting', async () => {
    const t = testTenant(null, withBreakglass());
    t.privileges.setRules(roles.exchange.id, { mfaRequired: true });
    const reply = await handleCommand(
      t.deps,
      as(people.alice),
      'breakglass confirm Exchange Administrator mail flow down',
    );
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'policy.mfa_unavailable' } });
    expect(t.scheduler.pending()).toEqual([]);
  });

  it('an approver acknowledges it, once, never the person who used it; the review then does nothing', async () => {
    const t = testTenant(null, withBreakglass());
    const request = await started(t);
    expect(await acknowledgeBreakglass(t.deps, request.id, people.alice)).toMatchObject({
      ok: false,
      error: { code: 'breakglass.self_acknowledge' },
    });
    expect(await acknowledgeBreakglass(t.deps, request.id, people.dave)).toMatchObject({
      ok: false,
      error: { code: 'breakglass.not_approver' },
    });
    t.clock.advance(60_000);
    const acked = await acknowledgeBreakglass(t.deps, request.id, people.bob);
    expect(acked).toMatchObject({
      ok: true,
      value: { breakglass: { acknowledgedBy: people.bob, acknowledgedAt: t.clock.now() } },
    });
    expect(await acknowledgeBreakglass(t.deps, request.id, people.carol)).toMatchObject({
      ok: false,
      error: { code: 'breakglass.already_acknowledged' },
    });
    expect(t.scheduler.pending().map((j) => j.job)).toEqual(['activate']);
    expect(await actions(t)).toContain('request.breakglass_acknowledged');
    await breakglassReviewDue(t.deps, request.id);
    expect(await actions(t)).not.toContain('request.breakglass_escalated');
  });

  it('not acknowledged in time: escalated to security and the backup approvers, once', async () => {
    const t = testTenant(null, withBreakglass());
    const request = await started(t);
    t.clock.advance(H * 1000 - 1);
    await breakglassReviewDue(t.deps, request.id);
    expect(t.notifier.alerts).toHaveLength(1);
    t.clock.advance(1);
    const due = await breakglassReviewDue(t.deps, request.id);
    expect(due).toMatchObject({
      ok: true,
      value: { approval: { escalated: true }, breakglass: { escalatedAt: t.clock.now() } },
    });
    expect(t.notifier.changes(request.id)).toEqual(['approved', 'escalated']);
    expect(t.notifier.alerts.map((a) => a.kind)).toEqual([
      'breakglass_used',
      'breakglass_unacknowledged',
    ]);
    await breakglassReviewDue(t.deps, request.id);
    expect(t.notifier.alerts).toHaveLength(2);
    // A backup approver may still acknowledge it late.
    expect(await acknowledgeBreakglass(t.deps, request.id, people.erin)).toMatchObject({
      ok: true,
    });
    const escalated = (await t.deps.audit.list({ limit: 20 })).find(
      (e) => e.action === 'request.breakglass_escalated',
    );
    expect(escalated?.details).toMatchObject({ escalateTo: 'erin@contoso.com' });
  });

  it('splits the listed target from the reason, longest target first, whole words only', () => {
    const rules = { ...RULES, targets: ['Exchange', 'Exchange Administrator'] };
    expect(listedTarget(rules, 'exchange administrator down')).toEqual({
      target: 'Exchange Administrator',
      rest: 'down',
    });
    expect(listedTarget(rules, 'Exchangeadmin down')).toBeNull();
  });
});
