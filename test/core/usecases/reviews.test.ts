/**
 * Eligibility reviews in the core: one review per target and period listing everyone
 * eligible with their activity, Keep / Remove by the reviewers (never on themselves), Remove
 * through PIM with a reason, one reminder, overdue to the security channel, a summary at the end.
 */
import { describe, expect, it } from 'vitest';
import { MemoryReviewStore } from '../../../adapters/memory/review-store.ts';
import type { Policy } from '../../../bot/core/domain/policy.ts';
import type { ReviewRule } from '../../../bot/core/domain/review.ts';
import { appError } from '../../../bot/core/errors.ts';
import { handleCommand } from '../../../bot/core/usecases/chat-command.ts';
import { exportAudit } from '../../../bot/core/usecases/export-audit.ts';
import { startDueReviews } from '../../../bot/core/usecases/review-start.ts';
import { decideReviewItem, reviewDue, reviewReminder } from '../../../bot/core/usecases/reviews.ts';
import { makeRequest } from '../../support/fixtures.ts';
import { people, roles, target, testPolicy, testTenant } from '../../support/tenant.ts';

const DAY = 86_400_000;
const RULE: ReviewRule = {
  every: 90 * 86_400,
  dueIn: 14 * 86_400,
  reviewers: ['bob@contoso.com', 'erin@contoso.com'],
};
const POLICY: Policy = {
  ...testPolicy,
  reviews: { targets: [{ typed: 'Exchange Administrator', rule: RULE }] },
};

async function world(policy: Policy = POLICY) {
  const t = testTenant(null, policy);
  t.clock.set(Date.UTC(2026, 11, 1, 9));
  const reviews = new MemoryReviewStore();
  const deps = { ...t.deps, reviews };
  t.directory.setLastSignIn(people.alice.id, t.clock.now() - 2 * DAY);
  // Alice activated Exchange Administrator through elevate 10 and 200 days ago.
  for (const ago of [10, 200]) {
    const at = t.clock.now() - ago * DAY;
    const r = makeRequest({
      createdAt: at,
      activatedAt: at,
      state: 'ended',
      endedAt: at + 3600_000,
    });
    await t.deps.store.create(r, {
      at,
      action: 'request.submitted',
      requestId: r.id,
      actor: people.alice,
      requester: people.alice,
      targets: r.targets,
      state: r.state,
      reason: r.reason,
      ticket: null,
      platform: 'slack',
      details: {},
    });
  }
  const started = await startDueReviews(deps);
  const [review] = started.started;
  if (!review) throw new Error(JSON.stringify(started.failed));
  return { ...t, deps, reviews, review };
}

/** The review's audit events (the fixture's requests have their own). */
const actions = async (t: Awaited<ReturnType<typeof world>>) =>
  (await t.deps.audit.list({ limit: 100 }))
    .map((e) => e.action)
    .filter((a) => a.startsWith('review.'));

describe('eligibility reviews', () => {
  it('starts one review per target and period, listing everyone eligible with their activity', async () => {
    const t = await world();
    expect(t.review.target).toMatchObject({ kind: 'directory_role', id: roles.exchange.id });
    expect(t.review.items.map((i) => i.name)).toEqual(['Alice Admin', 'Erin SecOps']);
    const [alice, erin] = t.review.items;
    expect(alice).toMatchObject({
      lastActivation: t.clock.now() - 10 * DAY,
      activations: 1,
      lastSignIn: t.clock.now() - 2 * DAY,
      decision: null,
    });
    expect(erin).toMatchObject({ lastActivation: null, activations: 0, lastSignIn: null });
    expect(t.notifier.reviews.map((r) => r.change)).toEqual(['started']);
    expect(t.scheduler.pending().map((j) => j.job)).toEqual(['review-remind', 'review-due']);
    expect(await actions(t)).toEqual(['review.started']);
    // The same period again, or a second replica: nothing new, and its timers put back.
    t.clock.advance(DAY);
    // Timers lost (a crash right after the review was stored).
    t.scheduler.takeDue(t.clock.now() + 30 * DAY);
    expect(t.scheduler.pending()).toEqual([]);
    expect((await startDueReviews(t.deps)).started).toEqual([]);
    expect(t.scheduler.pending().map((j) => j.job)).toEqual(['review-remind', 'review-due']);
  });

  it('refuses a reviewer on themselves, a non-reviewer, and a Remove without a reason', async () => {
    const t = await world();
    const decide = (by: typeof people.bob, principalId: string, reason = '') =>
      decideReviewItem(t.deps, {
        reviewId: t.review.id,
        principalId,
        verdict: reason === '' ? 'keep' : 'remove',
        by,
        reason,
      });
    expect(await decide(people.erin, people.erin.id)).toMatchObject({
      error: { code: 'review.self' },
    });
    expect(await decide(people.dave, people.alice.id)).toMatchObject({
      error: { code: 'review.not_reviewer' },
    });
    const noReason = await decideReviewItem(t.deps, {
      reviewId: t.review.id,
      principalId: people.alice.id,
      verdict: 'remove',
      by: people.bob,
      reason: ' ',
    });
    expect(noReason).toMatchObject({ error: { code: 'review.reason_required' } });
    expect(t.privileges.endEligibilityCalls).toBe(0);
    expect((await t.reviews.get(t.review.id))?.items.every((i) => i.decision === null)).toBe(true);
  });

  it('removes through PIM, keeps, and summarises the finished review', async () => {
    const t = await world();
    // Alice holds the role right now through elevate: removed, she loses that grant too.
    const now = t.clock.now();
    const live = makeRequest({
      createdAt: now,
      activatedAt: now,
      state: 'active',
      endsAt: now + 3600_000,
    });
    await t.deps.store.create(live, {
      at: now,
      action: 'grant.activated',
      requestId: live.id,
      actor: null,
      requester: people.alice,
      targets: live.targets,
      state: 'active',
      reason: live.reason,
      ticket: null,
      platform: 'slack',
      details: {},
    });
    const removed = await decideReviewItem(t.deps, {
      reviewId: t.review.id,
      principalId: people.alice.id,
      verdict: 'remove',
      by: people.bob,
      reason: 'moved to the finance team',
    });
    expect(removed.ok).toBe(true);
    expect(t.privileges.endEligibilityCalls).toBe(1);
    expect(await t.deps.store.get(live.id)).toMatchObject({ state: 'ended', endReason: 'revoked' });
    const left = await t.privileges.eligibleFor(target(roles.exchange));
    expect(left.map((e) => e.principalId)).toEqual([people.erin.id]);
    // Decided once: a second click (or another reviewer) is told who decided.
    const again = await decideReviewItem(t.deps, {
      reviewId: t.review.id,
      principalId: people.alice.id,
      verdict: 'keep',
      by: people.erin,
      reason: '',
    });
    expect(again).toMatchObject({ error: { code: 'review.already_decided' } });
    const kept = await decideReviewItem(t.deps, {
      reviewId: t.review.id,
      principalId: people.erin.id,
      verdict: 'keep',
      by: people.bob,
      reason: '',
    });
    expect(kept.ok && kept.value.closedAt).toBe(t.clock.now());
    expect(await actions(t)).toEqual([
      'review.started',
      'review.removed',
      'review.kept',
      'review.completed',
    ]);
    const removal = (await t.deps.audit.list({ limit: 100 })).find(
      (e) => e.action === 'review.removed',
    );
    expect(removal).toMatchObject({
      actor: { id: people.bob.id },
      requester: { id: people.alice.id },
      reason: 'moved to the finance team',
    });
    expect(t.notifier.alerts.map((a) => [a.kind, a.title])).toEqual([
      ['review_completed', 'Eligibility review of Exchange Administrator done: 1 kept, 1 removed'],
    ]);
    expect(t.scheduler.pending()).toEqual([]);
    // The export an auditor takes carries the decisions.
    const exported = await exportAudit(t.deps, people.erin, null);
    if (!exported.ok) throw new Error(exported.error.message);
    const rows: string[] = [];
    for await (const e of exported.value)
      rows.push(`${e.action} ${e.requester?.displayName ?? ''}`);
    expect(rows).toContain('review.removed Alice Admin');
    expect(rows).toContain('review.kept Erin SecOps');
    expect(t.notifier.reviews.map((r) => r.change)).toEqual([
      'started',
      'decided',
      'decided',
      'completed',
    ]);
  });

  it('records nothing when PIM refuses the removal', async () => {
    const t = await world();
    t.privileges.failNextEndEligibility(
      appError('graph.permission_missing', {
        permission: 'RoleEligibilitySchedule.ReadWrite.Directory',
        action: 'end eligibility in PIM',
      }),
    );
    const refused = await decideReviewItem(t.deps, {
      reviewId: t.review.id,
      principalId: people.alice.id,
      verdict: 'remove',
      by: people.bob,
      reason: 'left the company',
    });
    expect(refused).toMatchObject({ error: { code: 'review.remove_failed' } });
    expect(refused.ok || refused.error.message).toContain('RoleEligibilitySchedule.ReadWrite');
    expect((await t.reviews.get(t.review.id))?.items[0]?.decision).toBeNull();
    expect(await actions(t)).toEqual(['review.started', 'review.remove_failed']);
  });

  it('re-sends once, then posts what is undecided as overdue and closes', async () => {
    const t = await world();
    await decideReviewItem(t.deps, {
      reviewId: t.review.id,
      principalId: people.erin.id,
      verdict: 'keep',
      by: people.bob,
      reason: '',
    });
    // Run early (a job promoted by hand): nothing happens.
    expect((await reviewReminder(t.deps, t.review.id)).ok).toBe(true);
    expect(t.notifier.reviews.map((r) => r.change)).toEqual(['started', 'decided']);
    t.clock.set(t.review.remindAt);
    await reviewReminder(t.deps, t.review.id);
    await reviewReminder(t.deps, t.review.id);
    expect(t.notifier.reviews.map((r) => r.change)).toEqual(['started', 'decided', 'reminded']);
    t.clock.set(t.review.dueAt);
    const due = await reviewDue(t.deps, t.review.id);
    expect(due.ok && due.value.overdueAt).toBe(t.review.dueAt);
    const overdue = t.notifier.alerts.find((a) => a.kind === 'review_overdue');
    expect(overdue?.title).toBe(
      'The eligibility review of Exchange Administrator is overdue: 1 of 2 undecided',
    );
    expect(overdue?.details.join('\n')).toContain('Undecided: Alice Admin');
    const late = await decideReviewItem(t.deps, {
      reviewId: t.review.id,
      principalId: people.alice.id,
      verdict: 'keep',
      by: people.bob,
      reason: '',
    });
    expect(late).toMatchObject({ error: { code: 'review.closed' } });
    expect(await actions(t)).toEqual([
      'review.started',
      'review.kept',
      'review.reminded',
      'review.overdue',
      'review.completed',
    ]);
  });

  it('shows reviewers what is open, and the results to overseers', async () => {
    const t = await world();
    const as = (principal: typeof people.bob) => ({ principal, platform: 'slack' as const });
    expect(await handleCommand(t.deps, as(people.bob), 'review')).toMatchObject({
      kind: 'reviews',
      what: 'open',
      reviews: [{ id: t.review.id }],
    });
    expect(await handleCommand(t.deps, as(people.dave), 'review')).toMatchObject({
      kind: 'reviews',
      reviews: [],
    });
    expect(await handleCommand(t.deps, as(people.dave), 'review history')).toMatchObject({
      kind: 'error',
      error: { code: 'review.history_not_allowed' },
    });
    expect(await handleCommand(t.deps, as(people.erin), 'history reviews')).toMatchObject({
      kind: 'reviews',
      what: 'history',
      reviews: [{ id: t.review.id }],
    });
  });

  it('reports a listed target it cannot resolve, and starts nothing for it', async () => {
    const policy: Policy = {
      ...POLICY,
      reviews: { targets: [{ typed: 'Exchnage Admin', rule: RULE }] },
    };
    const t = testTenant(null, policy);
    const deps = { ...t.deps, reviews: new MemoryReviewStore() };
    const result = await startDueReviews(deps);
    expect(result.started).toEqual([]);
    expect(result.failed.map((f) => [f.typed, f.error.code])).toEqual([
      ['Exchnage Admin', 'command.unknown_role'],
    ]);
    expect(result.failed.map((f) => f.alert.kind)).toEqual(['review_failed']);
    // Posted by the caller under the alerts cooldown, so the scan itself posts nothing.
    expect(t.notifier.alerts).toEqual([]);
  });
});
