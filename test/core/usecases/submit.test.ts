import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import { type SubmitInput, submit } from '../../../bot/core/usecases/submit.ts';
import { people, roles, target, testPolicy, testTenant } from '../../support/tenant.ts';

const input = (over: Partial<SubmitInput> = {}): SubmitInput => ({
  requester: people.alice,
  platform: 'slack',
  targets: roleTargets([roles.exchange]),
  scope: '/',
  durationSeconds: 2 * 3600,
  startAt: null,
  ticket: null,
  reason: 'fixing mail flow INC-4711',
  ...over,
});

describe('submit', () => {
  it('stores a pending request with its audit event, timeout job and card', async () => {
    const t = testTenant();
    const result = await submit(t.deps, input());
    if (!result.ok) throw new Error(result.error.message);
    const request = result.value;
    expect(request).toMatchObject({
      state: 'pending_approval',
      version: 1,
      durationSeconds: 7200,
      ticket: 'INC-4711',
      targets: [target(roles.exchange)],
      approval: { required: true, quorum: 1, timeoutAt: t.clock.now() + 3600_000 },
    });
    expect(await t.deps.store.get(request.id)).toEqual(request);
    const events = await t.deps.audit.list({ limit: 10 });
    expect(events.map((e) => e.action)).toEqual(['request.submitted']);
    expect(t.scheduler.pending()).toEqual([
      { job: 'approval-timeout', requestId: request.id, runAt: t.clock.now() + 3600_000 },
    ]);
    expect(t.notifier.changes(request.id)).toEqual(['submitted']);
  });

  it('refuses a role the person is not eligible for, and audits the attempt', async () => {
    const t = testTenant();
    const result = await submit(t.deps, input({ requester: people.dave }));
    expect(result).toMatchObject({ ok: false, error: { code: 'policy.not_eligible' } });
    const events = await t.deps.audit.list({ limit: 10 });
    expect(events).toMatchObject([
      {
        action: 'request.rejected',
        actor: { id: people.dave.id },
        details: { code: 'policy.not_eligible' },
      },
    ]);
    expect(t.scheduler.pending()).toEqual([]);
  });

  it('refuses a scope wider than the eligible one', async () => {
    const t = testTenant();
    t.privileges.makeEligible(people.dave.id, target(roles.exchange, '/administrativeUnits/au-1'));
    expect((await submit(t.deps, input({ requester: people.dave, scope: '/' }))).ok).toBe(false);
    expect(
      (await submit(t.deps, input({ requester: people.dave, scope: '/administrativeUnits/au-1' })))
        .ok,
    ).toBe(true);
  });

  it('applies the policy: duration bounds, reason, ticket format', async () => {
    const t = testTenant();
    const code = async (over: Partial<SubmitInput>) => {
      const r = await submit(t.deps, input(over));
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code({ durationSeconds: 5 * 3600 })).toBe('policy.duration_too_long');
    expect(await code({ durationSeconds: 60 })).toBe('policy.duration_too_short');
    expect(await code({ reason: '' })).toBe('policy.justification_required');
    expect(await code({ reason: 'short' })).toBe('policy.justification_too_short');
    expect(await code({ ticket: 'JIRA-1' })).toBe('policy.ticket_format');
    expect(await code({ durationSeconds: null })).toBe('ok');
    expect(await t.deps.audit.list({ limit: 10 })).toHaveLength(1);
  });

  it('takes the stricter of policy.yaml and PIM', async () => {
    const t = testTenant();
    t.privileges.setRules(roles.exchange.id, { maxDuration: 3600, ticketRequired: true });
    const tooLong = await submit(t.deps, input({ durationSeconds: 2 * 3600 }));
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'policy.duration_too_long' } });
    expect(tooLong.ok || tooLong.error.message).toContain('1h');
    const noTicket = await submit(
      t.deps,
      input({ durationSeconds: 3600, reason: 'fixing mail flow today' }),
    );
    expect(noTicket).toMatchObject({ ok: false, error: { code: 'policy.ticket_required' } });
  });

  it('uses the default duration when none was given', async () => {
    const t = testTenant();
    const result = await submit(t.deps, input({ durationSeconds: null }));
    expect(result.ok && result.value.durationSeconds).toBe(3600);
  });

  it('activates at once when no approval is needed', async () => {
    const t = testTenant();
    const result = await submit(t.deps, input({ targets: roleTargets([roles.helpdesk]) }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.state).toBe('approved');
    expect(t.scheduler.pending()).toEqual([
      { job: 'activate', requestId: result.value.id, runAt: t.clock.now() },
    ]);
  });

  it('schedules a future start', async () => {
    const t = testTenant();
    const startAt = t.clock.now() + 3 * 3600_000;
    const result = await submit(t.deps, input({ targets: roleTargets([roles.helpdesk]), startAt }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.state).toBe('scheduled');
    expect(t.scheduler.pending()).toEqual([
      { job: 'activate', requestId: result.value.id, runAt: startAt },
    ]);
    expect((await t.deps.audit.list({ limit: 10 })).map((e) => e.action)).toEqual([
      'request.submitted',
      'request.scheduled',
    ]);
  });

  it('combines several roles into one request under the strictest policy', async () => {
    const t = testTenant();
    const tooLong = await submit(
      t.deps,
      input({ targets: roleTargets([roles.exchange, roles.global]), durationSeconds: 2 * 3600 }),
    );
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'policy.duration_too_long' } });
    expect(tooLong.ok || tooLong.error.message).toContain('Global Administrator');
    const both = await submit(
      t.deps,
      input({
        targets: roleTargets([roles.exchange, roles.global, roles.helpdesk]),
        durationSeconds: 3600,
      }),
    );
    if (!both.ok) throw new Error(both.error.message);
    expect(both.value.targets.map((x) => x.name)).toEqual([
      'Exchange Administrator',
      'Global Administrator',
      'Helpdesk Administrator',
    ]);
    expect(both.value.approval).toMatchObject({ required: true, quorum: 2 });
  });

  it('refuses roles that no single approver may approve together', async () => {
    const exchangeOnly = {
      ...testPolicy.defaults,
      approval: { ...testPolicy.defaults.approval, approvers: ['bob@contoso.com'] },
    };
    const globalOnly = {
      ...testPolicy.defaults,
      approval: { ...testPolicy.defaults.approval, approvers: ['carol@contoso.com'] },
    };
    const policy = {
      ...testPolicy,
      roles: new Map([
        ['Exchange Administrator', { aliases: [], policy: exchangeOnly }],
        ['Global Administrator', { aliases: [], policy: globalOnly }],
      ]),
    };
    const t = testTenant(null, policy);
    const result = await submit(
      t.deps,
      input({ targets: roleTargets([roles.exchange, roles.global]), durationSeconds: 3600 }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'policy.no_common_approver' } });
    expect(await t.deps.audit.list({ limit: 10 })).toEqual([]);
  });
});
