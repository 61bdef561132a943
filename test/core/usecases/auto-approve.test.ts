/**
 * On-call approval in the core: approved at once when on call, within the cap and the maximum
 * duration; otherwise (and whenever the on-call service fails) the approvers decide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryOnCall } from '../../../adapters/memory/on-call.ts';
import { RedisAuditLog } from '../../../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../../../adapters/redis/request-store.ts';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { OnCallRule, Policy, RolePolicy } from '../../../bot/core/domain/policy.ts';
import type { OnCallFact } from '../../../bot/core/domain/request.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { extend } from '../../../bot/core/usecases/extend.ts';
import { type SubmitInput, submit } from '../../../bot/core/usecases/submit.ts';
import { type FreshRedis, freshRedis } from '../../support/redis.ts';
import { people, roles, testPolicy, testTenant } from '../../support/tenant.ts';

let redis: FreshRedis;
beforeAll(async () => {
  redis = await freshRedis();
});
afterAll(async () => {
  await redis.cleanup();
});

const H = 3600;
const PRIMARY: OnCallFact = {
  provider: 'pagerduty',
  kind: 'schedule',
  id: 'PABC123',
  name: 'Payments Primary',
};
const RULE: OnCallRule = { sources: [PRIMARY], maxPerDay: 2, maxDuration: 2 * H };

function withOnCall(roleName: string, rule: OnCallRule = RULE): Policy {
  const entry = testPolicy.roles.get(roleName);
  if (!entry) throw new Error(roleName);
  const policy: RolePolicy = {
    ...entry.policy,
    approval: { ...entry.policy.approval, autoApprove: { onCall: rule } },
  };
  const rolesMap = new Map(testPolicy.roles);
  rolesMap.set(roleName, { ...entry, policy });
  return { ...testPolicy, roles: rolesMap };
}

function tenant(policy = withOnCall('Exchange Administrator'), onRedis = false) {
  const stores = onRedis
    ? {
        store: new RedisRequestStore(redis.redis, redis.prefix),
        audit: new RedisAuditLog(redis.redis, redis.prefix),
      }
    : null;
  const t = testTenant(stores, policy);
  const onCall = new MemoryOnCall();
  onCall.setOnCall(PRIMARY, ['Alice@Contoso.com']);
  return { ...t, onCall, deps: { ...t.deps, onCall } };
}

const input = (over: Partial<SubmitInput> = {}): SubmitInput => ({
  requester: people.alice,
  platform: 'slack',
  targets: roleTargets([roles.exchange]),
  scope: '/',
  durationSeconds: H,
  startAt: null,
  ticket: null,
  reason: 'paged for mail flow INC-4711',
  ...over,
});

async function submitted(t: ReturnType<typeof tenant>, over: Partial<SubmitInput> = {}) {
  const result = await submit(t.deps, input(over));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Ends a request so that the next one for the same role is not refused as already open. */
async function finish(t: ReturnType<typeof tenant>, id: string) {
  const r = await t.deps.store.get(id);
  if (!r) throw new Error(id);
  const next = { ...r, state: 'ended' as const, version: r.version + 1 };
  await t.deps.store.update(next, {
    at: t.clock.now(),
    action: 'grant.ended',
    requestId: id,
    actor: null,
    requester: r.requester,
    targets: r.targets,
    state: 'ended',
    reason: null,
    ticket: null,
    platform: r.platform,
    details: {},
  });
}

const actions = async (t: ReturnType<typeof tenant>, id: string) =>
  (await t.deps.audit.list({ limit: 100 })).filter((e) => e.requestId === id).map((e) => e.action);

describe('on-call approval', () => {
  it('approves an on-call requester at once, audits the fact and tells the security channel', async () => {
    const t = tenant();
    const request = await submitted(t);
    expect(request).toMatchObject({
      state: 'approved',
      approvals: [],
      autoApproval: { rule: 'on_call', facts: [PRIMARY], at: t.clock.now() },
    });
    const events = (await t.deps.audit.list({ limit: 10 })).filter(
      (e) => e.requestId === request.id,
    );
    expect(events.map((e) => e.action)).toEqual(['request.submitted', 'request.auto_approved']);
    expect(events[1]?.details).toMatchObject({
      rule: 'on_call',
      onCall: 'on call in PagerDuty schedule Payments Primary (PABC123)',
      provider: 'pagerduty',
      rotation: 'PABC123',
    });
    expect(t.scheduler.pending()).toEqual([
      { job: 'activate', requestId: request.id, runAt: t.clock.now() },
    ]);
    expect(t.notifier.changes(request.id)).toEqual(['approved']);
    expect(t.notifier.alerts).toMatchObject([
      {
        kind: 'on_call_approved',
        title:
          'Alice Admin was approved for Exchange Administrator without an approver: on call in PagerDuty schedule Payments Primary (PABC123)',
      },
    ]);
  });

  it('someone not on call goes to the approvers, with nothing said about the rule', async () => {
    const t = tenant();
    const request = await submitted(t, { requester: people.erin });
    expect(request).toMatchObject({ state: 'pending_approval' });
    expect(request.autoApprovalNote ?? null).toBeNull();
    expect(t.onCall.asked).toEqual(['erin@contoso.com']);
    expect(await actions(t, request.id)).toEqual(['request.submitted']);
    expect(t.notifier.changes(request.id)).toEqual(['submitted']);
    expect(t.notifier.alerts).toEqual([]);
  });

  it('a request longer than maxDuration, or starting later, goes to the approvers with the reason', async () => {
    const t = tenant();
    const long = await submitted(t, { durationSeconds: 3 * H });
    expect(long).toMatchObject({
      state: 'pending_approval',
      autoApprovalNote: 'Not approved by the on-call rule: 3h is longer than the 2h it allows.',
    });
    expect(await actions(t, long.id)).toEqual([
      'request.submitted',
      'request.auto_approval_skipped',
    ]);
    expect(t.scheduler.pending()).toEqual([
      { job: 'approval-timeout', requestId: long.id, runAt: long.approval.timeoutAt },
    ]);
    expect(t.notifier.changes(long.id)).toEqual(['submitted']);
    await finish(t, long.id);
    const later = await submitted(t, { startAt: t.clock.now() + 2 * H * 1000 });
    expect(later.state).toBe('pending_approval');
    expect(later.autoApprovalNote).toContain('requests that start now');
    expect(t.onCall.asked).toEqual([]);
  });

  it.each([
    ['memory', false],
    ['Redis', true],
  ])(
    'counts on-call approvals per requester and target over 24 hours (maxPerDay), on %s',
    async (_, onRedis) => {
      const t = tenant(withOnCall('Exchange Administrator'), onRedis);
      for (let i = 0; i < 2; i++) {
        const r = await submitted(t);
        expect(r.state).toBe('approved');
        await finish(t, r.id);
        t.clock.advance(3_600_000);
      }
      const third = await submitted(t);
      expect(third).toMatchObject({
        state: 'pending_approval',
        autoApprovalNote:
          'Not approved by the on-call rule: 2 on-call approvals of Exchange Administrator in 24 hours already (maxPerDay 2).',
      });
      await finish(t, third.id);
      // A day after the first one, one slot is free again.
      t.clock.advance(22 * 3_600_000 + 1000);
      expect((await submitted(t)).state).toBe('approved');
    },
  );

  it('fails closed: the on-call service failing leaves the request to the approvers, and says so', async () => {
    const t = tenant();
    t.onCall.failing('pagerduty', 'PagerDuty did not answer within 5s');
    const request = await submitted(t);
    expect(request).toMatchObject({
      state: 'pending_approval',
      approvals: [],
      autoApprovalNote:
        'Not approved by the on-call rule: the on-call check failed (PagerDuty did not answer within 5s), so the approvers decide.',
    });
    expect(request.autoApproval ?? null).toBeNull();
    expect(t.notifier.alerts).toEqual([]);
  });

  it('with several roles, every role that needs approval must allow it', async () => {
    const t = tenant();
    const both = await submitted(t, { targets: roleTargets([roles.exchange, roles.global]) });
    expect(both.state).toBe('pending_approval');
    expect(t.onCall.asked).toEqual([]);
    await finish(t, both.id);
    // A role that needs no approval adds no condition.
    const withHelpdesk = await submitted(t, {
      targets: roleTargets([roles.exchange, roles.helpdesk]),
    });
    expect(withHelpdesk.state).toBe('approved');
  });

  it('extending past the rule’s maxDuration goes to the approvers; within it, it does not', async () => {
    const t = tenant();
    const request = await submitted(t);
    const active = await activate(t.deps, request.id);
    if (!active.ok) throw new Error(active.error.message);
    const within = await extend(t.deps, request.id, people.alice, 1800);
    expect(within).toMatchObject({ ok: true, value: { extension: null } });
    const beyond = await extend(t.deps, request.id, people.alice, 3600);
    expect(beyond).toMatchObject({
      ok: true,
      value: { state: 'active', extension: { seconds: 3600, approvals: [] } },
    });
    expect(t.notifier.changes(request.id).at(-1)).toBe('extension_requested');
  });

  it('without an on-call lookup nothing changes', async () => {
    const t = testTenant(null, withOnCall('Exchange Administrator'));
    const result = await submit(t.deps, input());
    expect(result).toMatchObject({ ok: true, value: { state: 'pending_approval' } });
  });
});
