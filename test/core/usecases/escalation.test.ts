import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Policy } from '../../../bot/core/domain/policy.ts';
import { approve } from '../../../bot/core/usecases/decide.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { approvalTimedOut } from '../../../bot/core/usecases/timers.ts';
import { people, roles, type TestTenant, testPolicy, testTenant } from '../../support/tenant.ts';

const withBackup: Policy = {
  ...testPolicy,
  defaults: {
    ...testPolicy.defaults,
    approval: {
      ...testPolicy.defaults.approval,
      approvers: ['bob@contoso.com'],
      escalateTo: ['carol@contoso.com'],
    },
  },
  roles: new Map(),
};

async function pending(t: TestTenant) {
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
  return r.value;
}

describe('approval timeout', () => {
  it('escalates once to the backup approvers with a fresh deadline, then lapses', async () => {
    const t = testTenant(null, withBackup);
    const request = await pending(t);
    expect(await approve(t.deps, request.id, people.carol)).toMatchObject({
      ok: false,
      error: { code: 'request.not_approver' },
    });

    t.clock.advance(3600_000);
    t.scheduler.takeDue(t.clock.now());
    const escalated = await approvalTimedOut(t.deps, request.id);
    expect(escalated).toMatchObject({
      ok: true,
      value: {
        state: 'pending_approval',
        approval: {
          escalated: true,
          approvers: ['bob@contoso.com', 'carol@contoso.com'],
          timeoutAt: t.clock.now() + 3600_000,
        },
      },
    });
    expect(t.scheduler.pending()).toEqual([
      { job: 'escalation-timeout', requestId: request.id, runAt: t.clock.now() + 3600_000 },
    ]);
    expect(t.notifier.changes(request.id)).toEqual(['submitted', 'escalated']);
    expect((await t.deps.audit.list({ limit: 10 })).at(-1)).toMatchObject({
      action: 'request.escalated',
      details: { escalateTo: 'carol@contoso.com' },
    });

    t.clock.advance(3600_000);
    expect(await approvalTimedOut(t.deps, request.id)).toMatchObject({
      ok: true,
      value: { state: 'approval_expired' },
    });
    expect(t.notifier.changes(request.id).at(-1)).toBe('approval_expired');
  });

  it('lets a backup approver decide after the escalation, and drops both deadlines', async () => {
    const t = testTenant(null, withBackup);
    const request = await pending(t);
    await approvalTimedOut(t.deps, request.id);
    expect(await approve(t.deps, request.id, people.carol)).toMatchObject({
      ok: true,
      value: { state: 'approved' },
    });
    expect(t.scheduler.pending().map((j) => j.job)).toEqual(['activate']);
  });

  it('lapses at once without backup approvers, and ignores decided requests', async () => {
    const t = testTenant();
    const request = await pending(t);
    expect(await approvalTimedOut(t.deps, request.id)).toMatchObject({
      ok: true,
      value: { state: 'approval_expired' },
    });
    expect(await approvalTimedOut(t.deps, request.id)).toMatchObject({
      ok: true,
      value: { state: 'approval_expired', version: 2 },
    });
  });
});
