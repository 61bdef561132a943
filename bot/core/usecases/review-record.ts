/**
 * What every step of an eligibility review shares: its audit events, the compare-and-set
 * write, and the summary once it is closed (reviews.ts, review-start.ts).
 */
import type { AuditAction, AuditEventInput } from '../domain/audit.ts';
import type { Principal } from '../domain/principal.ts';
import { type Review, tally } from '../domain/review.ts';
import { targetLabel } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import type { ReviewStore } from '../ports/review-store.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';

/** Concurrent stores of a review under contention retry this often before giving up. */
const WRITE_TRIES = 5;

/** The summary, once a review is closed (every person decided, or overdue). */
export async function finish(deps: CoreDeps, r: Review): Promise<void> {
  await deps.scheduler.cancel('review-remind', r.id);
  if (r.overdueAt === null) await deps.scheduler.cancel('review-due', r.id);
  const counts = tally(r);
  await deps.audit.append(
    reviewEvent(r, 'review.completed', null, deps.clock.now(), null, {
      kept: counts.kept,
      removed: counts.removed,
      undecided: counts.open,
    }),
  );
  const removed = r.items.filter((i) => i.decision?.verdict === 'remove');
  await deps.notifier.securityAlert({
    kind: 'review_completed',
    key: `review-completed-${r.id}`,
    title:
      r.items.length === 0
        ? `Eligibility review of ${targetLabel(r.target)}: nobody is eligible`
        : `Eligibility review of ${targetLabel(r.target)} done: ${counts.kept} kept, ${counts.removed} removed${counts.open > 0 ? `, ${counts.open} undecided` : ''}`,
    details: [
      `Review ${r.id} · ${r.items.length} eligible · reviewers: ${r.reviewers.join(', ')}`,
      ...removed.map(
        (i) => `Removed ${i.name} (by ${i.decision?.by.displayName}): ${i.decision?.reason ?? ''}`,
      ),
    ],
    action:
      counts.open > 0
        ? 'Decide the undecided eligibilities in Entra PIM.'
        : 'Nothing to do; the decisions are in the audit trail.',
    since: r.createdAt,
  });
  if (r.overdueAt === null) await deps.notifier.reviewChanged(r, 'completed');
}

/** Compare-and-set with re-reads: `change` sees the stored review; null means no change. */
export async function write<R extends Review | null>(
  store: ReviewStore,
  id: string,
  change: (current: Review) => Result<R, AppError>,
): Promise<Result<R, AppError>> {
  for (let attempt = 0; attempt < WRITE_TRIES; attempt++) {
    const current = await store.get(id);
    if (!current) return err(appError('review.not_found', { id }));
    const next = change(current);
    if (!next.ok || next.value === null) return next;
    if ((await store.update(next.value as Review)).ok) return next;
  }
  throw new Error(`review ${id} kept changing under ${WRITE_TRIES} writes`);
}

/** A job that found nothing to do answers with the review as it stands. */
export async function settled(
  store: ReviewStore,
  id: string,
  result: Result<Review | null, AppError>,
): Promise<Result<Review, AppError>> {
  if (!result.ok) return result;
  const current = await store.get(id);
  return current ? ok(current) : err(appError('review.not_found', { id }));
}

export function reviewEvent(
  review: Review,
  action: AuditAction,
  actor: Principal | null,
  at: number,
  subject: Principal | null,
  details: AuditEventInput['details'],
): AuditEventInput {
  return {
    at,
    action,
    requestId: null,
    actor,
    requester: subject,
    targets: [review.target],
    state: null,
    reason: typeof details.reason === 'string' ? details.reason : null,
    ticket: null,
    platform: null,
    details: { review: review.id, ...details },
  };
}
