/**
 * Extending a grant whose role says `extensions: reapprove`: the extension waits on the grant
 * for the approvers, who decide it with the same Approve and Deny as a new request. Until
 * then nothing moves in PIM; approved, the end and its timers move; denied or lapsed, the
 * grant ends as planned.
 */
import { describe, expect, it } from 'vitest';
import { roleTargets } from '../../../bot/core/commands/command.ts';
import type { Policy } from '../../../bot/core/domain/policy.ts';
import { activate } from '../../../bot/core/usecases/activate.ts';
import { approve, deny } from '../../../bot/core/usecases/decide.ts';
import { end } from '../../../bot/core/usecases/end.ts';
import { extend } from '../../../bot/core/usecases/extend.ts';
import { submit } from '../../../bot/core/usecases/submit.ts';
import { approvalCard as slackApproval } from '../../../cards/slack/index.ts';
import { approvalCard as teamsApproval } from '../../../cards/teams/index.ts';
import { people, roles, testPolicy, testTenant } from '../../support/tenant.ts';

const reapprove: Policy = {
  ...testPolicy,
  defaults: {
    ...testPolicy.defaults,
    approval: { ...testPolicy.defaults.approval, extensions: 'reapprove' },
  },
  roles: new Map(),
};

async function activeGrant() {
  const t = testTenant(null, reapprove);
  const asked = await submit(t.deps, {
    requester: people.alice,
    platform: 'slack',
    targets: roleTargets([roles.exchange]),
    scope: '/',
    durationSeconds: 3600,
    startAt: null,
    ticket: null,
    reason: 'fixing mail flow INC-4711',
  });
  if (!asked.ok) throw new Error(asked.error.message);
  const approved = await approve(t.deps, asked.value.id, people.bob);
  if (!approved.ok) throw new Error(approved.error.message);
  const active = await activate(t.deps, asked.value.id);
  if (!active.ok) throw new Error(active.error.message);
  return { t, grant: active.value };
}

describe('extension with re-approval', () => {
  it('waits for an approver; approved, the end and timers move in PIM', async () => {
    const { t, grant } = await activeGrant();
    const endsAt = grant.endsAt ?? 0;
    const asked = await extend(t.deps, grant.id, people.alice, 1800);
    expect(asked).toMatchObject({
      ok: true,
      value: { state: 'active', endsAt, extension: { seconds: 1800, approvals: [] } },
    });
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_requested');
    expect((await t.privileges.activeAssignments(people.alice.id))[0]?.endsAt).toBe(endsAt);
    expect(await extend(t.deps, grant.id, people.alice, 600)).toMatchObject({
      ok: false,
      error: { code: 'request.extension_pending' },
    });

    expect(await approve(t.deps, grant.id, people.alice)).toMatchObject({
      ok: false,
      error: { code: 'request.self_approval' },
    });
    expect(await approve(t.deps, grant.id, people.dave)).toMatchObject({
      ok: false,
      error: { code: 'request.not_approver' },
    });

    const done = await approve(t.deps, grant.id, people.bob);
    expect(done).toMatchObject({
      ok: true,
      value: { state: 'active', endsAt: endsAt + 1800_000, extension: null },
    });
    expect((await t.privileges.activeAssignments(people.alice.id))[0]?.endsAt).toBe(
      endsAt + 1800_000,
    );
    expect(t.scheduler.pending().find((j) => j.job === 'expire')?.runAt).toBe(endsAt + 1800_000);
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_approved');
    const actions = (await t.deps.audit.list({ limit: 50 })).map((e) => e.action);
    expect(actions.slice(-3)).toEqual([
      'grant.extension_requested',
      'grant.extension_approval_added',
      'grant.extended',
    ]);
  });

  it('denied, the grant ends as planned and the requester hears why', async () => {
    const { t, grant } = await activeGrant();
    await extend(t.deps, grant.id, people.alice, 1800);
    expect(await deny(t.deps, grant.id, people.bob, '')).toMatchObject({ ok: false });
    const denied = await deny(t.deps, grant.id, people.bob, 'finish tomorrow');
    expect(denied).toMatchObject({ ok: true, value: { endsAt: grant.endsAt, extension: null } });
    expect(t.notifier.changes(grant.id).at(-1)).toBe('extension_denied');
    expect((await t.privileges.activeAssignments(people.alice.id))[0]?.endsAt).toBe(grant.endsAt);
    // Nothing waits any more: a late click is told so.
    expect(await approve(t.deps, grant.id, people.carol)).toMatchObject({
      ok: false,
      error: { code: 'request.already_decided' },
    });
  });

  it('lapses with the grant, and the cards offer Approve only while it waits', async () => {
    const { t, grant } = await activeGrant();
    const asked = await extend(t.deps, grant.id, people.alice, 1800);
    if (!asked.ok) throw new Error(asked.error.message);
    const facts = { maxDuration: 8 * 3600, quorum: 1 };
    const now = t.clock.now();
    expect(JSON.stringify(slackApproval(asked.value, facts, now, 'UTC'))).toMatch(
      /elevate_approve/,
    );
    expect(JSON.stringify(slackApproval(asked.value, facts, now, 'UTC'))).toMatch(
      /Asks to extend by 30m: 0 of 1 approvals/,
    );
    expect(JSON.stringify(teamsApproval(asked.value, facts, [], now, 'UTC'))).toMatch(
      /"verb":"approve"/,
    );
    const ended = await end(t.deps, grant.id, 'deactivated', people.alice);
    expect(ended).toMatchObject({ ok: true, value: { state: 'ended', extension: null } });
    if (!ended.ok) return;
    expect(JSON.stringify(slackApproval(ended.value, facts, now, 'UTC'))).not.toMatch(
      /elevate_approve/,
    );
    expect(JSON.stringify(teamsApproval(ended.value, facts, [], now, 'UTC'))).not.toMatch(
      /"verb":"approve"/,
    );
  });
});
