/**
 * Eligibility reviews in chat (policy `reviews:`), once started (review-start.ts): each
 * reviewer has a card per target. Keep leaves the eligibility, Remove (with a reason) ends it through PIM.
 * Nobody reviews themselves. Halfway to the due date the undecided people are re-sent once; at
 * the due date what is still undecided goes to the security channel as overdue. Every decision
 * is audited, and the finished review is summarised in the security channel.
 */
import { formatDuration } from '../domain/duration.ts';
import type { Principal, PrincipalRef } from '../domain/principal.ts';
import {
  isOpen,
  type Review,
  type ReviewItem,
  type ReviewVerdict,
  undecided,
  withDecision,
} from '../domain/review.ts';
import { targetLabel } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { end } from './end.ts';
import { finish, reviewEvent, settled, write } from './review-record.ts';

export { type ReviewsStarted, reviewId, startDueReviews } from './review-start.ts';

/** A reason for Remove must say something; PIM keeps it as the request's justification. */
const MIN_REASON = 5;

export interface DecisionInput {
  readonly reviewId: string;
  readonly principalId: string;
  readonly verdict: ReviewVerdict;
  readonly by: Principal;
  /** Required for Remove. */
  readonly reason: string;
}

/**
 * A reviewer's Keep or Remove for one person. Remove ends the eligibility through PIM first;
 * only what PIM did is recorded, so a refused removal leaves the person undecided.
 */
export async function decideReviewItem(
  deps: CoreDeps,
  input: DecisionInput,
): Promise<Result<Review, AppError>> {
  const store = deps.reviews;
  if (!store) return err(appError('review.not_configured'));
  const review = await store.get(input.reviewId);
  if (!review) return err(appError('review.not_found', { id: input.reviewId }));
  const item = review.items.find((i) => i.principalId === input.principalId);
  if (!item) return err(appError('review.no_such_person', { id: review.id }));
  if (!isOpen(review))
    return err(appError('review.closed', { target: targetLabel(review.target) }));
  if (!(await deps.directory.isAnyOf(input.by.id, review.reviewers)))
    return err(appError('review.not_reviewer', { target: targetLabel(review.target) }));
  if (item.principalId === input.by.id) return err(appError('review.self'));
  if (item.decision) return err(alreadyDecided(item));
  const reason = input.reason.trim();
  if (input.verdict === 'remove' && reason.length < MIN_REASON)
    return err(appError('review.reason_required', { name: item.name }));
  const now = deps.clock.now();
  if (input.verdict === 'remove') {
    const removed = await removeEligibility(deps, review, item, input.by, reason);
    if (!removed.ok) return removed;
  }
  const decision = {
    verdict: input.verdict,
    by: input.by,
    at: now,
    reason: input.verdict === 'remove' ? reason : null,
  };
  const stored = await write(store, review.id, (current) => {
    const own = current.items.find((i) => i.principalId === item.principalId);
    // PIM has ended it: that is recorded even over a Keep another reviewer pressed meanwhile.
    if (own?.decision && !(input.verdict === 'remove' && own.decision.verdict === 'keep'))
      return err(alreadyDecided(own));
    const cleared = {
      ...current,
      items: current.items.map((i) =>
        i.principalId === item.principalId ? { ...i, decision: null } : i,
      ),
    };
    return ok(withDecision(cleared, item.principalId, decision));
  });
  if (!stored.ok) return stored;
  const next = stored.value;
  await deps.audit.append(
    reviewEvent(
      next,
      input.verdict === 'keep' ? 'review.kept' : 'review.removed',
      input.by,
      now,
      { id: item.principalId, displayName: item.name },
      { scope: item.scope, ...(decision.reason ? { reason: decision.reason } : {}) },
    ),
  );
  if (input.verdict === 'remove') await endActiveGrants(deps, next, item, input.by);
  await deps.notifier.reviewChanged(next, 'decided');
  if (!isOpen(next)) await finish(deps, next);
  return ok(next);
}

/**
 * A grant of the target the removed person holds through elevate now ends too: losing the
 * eligibility does not end an activation in PIM. One that cannot be ended here (delegated
 * mode holds no write permission) ends at its expiry.
 */
async function endActiveGrants(
  deps: CoreDeps,
  review: Review,
  item: ReviewItem,
  by: Principal,
): Promise<void> {
  const active = await deps.store.listInStates(['active']);
  for (const r of active)
    if (
      r.requester.id === item.principalId &&
      r.targets.some((t) => t.kind === review.target.kind && t.id === review.target.id)
    )
      await end(deps, r.id, 'revoked', by);
}

async function removeEligibility(
  deps: CoreDeps,
  review: Review,
  item: ReviewItem,
  by: Principal,
  reason: string,
): Promise<Result<void, AppError>> {
  const label = targetLabel(review.target);
  if (!deps.privileges.endEligibility)
    return err(appError('review.remove_unavailable', { target: label }));
  const justification = `Eligibility review ${review.id}: removed by ${by.displayName}: ${reason}`;
  const removed = await deps.privileges.endEligibility(
    item.principalId,
    { ...review.target, scope: item.scope },
    justification.slice(0, 500),
  );
  if (removed.ok) return removed;
  await deps.audit.append(
    reviewEvent(
      review,
      'review.remove_failed',
      by,
      deps.clock.now(),
      { id: item.principalId, displayName: item.name },
      { code: removed.error.code, reason },
    ),
  );
  return err(appError('review.remove_failed', { name: item.name, detail: removed.error.message }));
}

/** The review-remind job: the undecided people go to the reviewers once more. */
export async function reviewReminder(
  deps: CoreDeps,
  id: string,
): Promise<Result<Review, AppError>> {
  const store = deps.reviews;
  if (!store) return err(appError('review.not_configured'));
  const now = deps.clock.now();
  const stored = await write(store, id, (r) =>
    !isOpen(r) || r.remindedAt !== null || now < r.remindAt
      ? ok(null)
      : ok({ ...r, version: r.version + 1, remindedAt: now }),
  );
  if (!stored.ok || stored.value === null) return settled(store, id, stored);
  const r = stored.value;
  await deps.audit.append(
    reviewEvent(r, 'review.reminded', null, now, null, { undecided: undecided(r).length }),
  );
  await deps.notifier.reviewChanged(r, 'reminded');
  return ok(r);
}

/** The review-due job: what is still undecided is posted to the security channel as overdue. */
export async function reviewDue(deps: CoreDeps, id: string): Promise<Result<Review, AppError>> {
  const store = deps.reviews;
  if (!store) return err(appError('review.not_configured'));
  const now = deps.clock.now();
  const stored = await write(store, id, (r) =>
    !isOpen(r) || now < r.dueAt
      ? ok(null)
      : ok({ ...r, version: r.version + 1, overdueAt: now, closedAt: now }),
  );
  if (!stored.ok || stored.value === null) return settled(store, id, stored);
  const r = stored.value;
  const open = undecided(r);
  await deps.audit.append(
    reviewEvent(r, 'review.overdue', null, now, null, {
      undecided: open.map((i) => i.name).join(', '),
    }),
  );
  await deps.notifier.securityAlert({
    kind: 'review_overdue',
    key: `review-overdue-${r.id}`,
    title: `The eligibility review of ${targetLabel(r.target)} is overdue: ${open.length} of ${r.items.length} undecided`,
    details: [
      `Review ${r.id} · due ${new Date(r.dueAt).toISOString().slice(0, 10)} · reviewers: ${r.reviewers.join(', ')}`,
      `Undecided: ${open.map((i) => i.name).join(', ')}`,
    ],
    action: `Ask the reviewers why; decide the undecided eligibilities in Entra PIM, or shorten reviews.dueIn if ${formatDuration(Math.round((r.dueAt - r.createdAt) / 1000))} is too long to be kept.`,
    since: r.dueAt,
  });
  await deps.notifier.reviewChanged(r, 'overdue');
  await finish(deps, r);
  return ok(r);
}

/** The open reviews `asker` is a reviewer of (`/elevate review`). */
export async function openReviewsFor(
  deps: CoreDeps,
  asker: Principal,
): Promise<Result<Review[], AppError>> {
  const store = deps.reviews;
  if (!store || !deps.policy().reviews) return err(appError('review.not_configured'));
  const mine: Review[] = [];
  for (const r of await store.listOpen())
    if (await deps.directory.isAnyOf(asker.id, r.reviewers)) mine.push(r);
  return ok(mine);
}

/** How many recent reviews `/elevate review history` lists. */
export const REVIEW_HISTORY = 20;

/** Recent reviews and their results, for approvers, auditors and the reviewers. */
export async function reviewHistory(
  deps: CoreDeps,
  asker: Principal,
  overseers: readonly PrincipalRef[],
): Promise<Result<Review[], AppError>> {
  const store = deps.reviews;
  if (!store || !deps.policy().reviews) return err(appError('review.not_configured'));
  const recent = await store.listRecent(REVIEW_HISTORY);
  if (await deps.directory.isAnyOf(asker.id, overseers)) return ok([...recent]);
  const mine: Review[] = [];
  for (const r of recent) if (await deps.directory.isAnyOf(asker.id, r.reviewers)) mine.push(r);
  if (mine.length === 0 && recent.length > 0) return err(appError('review.history_not_allowed'));
  return ok(mine);
}

function alreadyDecided(item: ReviewItem): AppError {
  return appError('review.already_decided', {
    name: item.name,
    verdict: item.decision?.verdict === 'remove' ? 'removed' : 'kept',
    by: item.decision?.by.displayName ?? 'another reviewer',
  });
}
