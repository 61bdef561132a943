/**
 * Eligibility reviews in chat (policy `reviews:`). The reviews-scan job starts, for each listed
 * target whose period has begun, one review listing everyone PIM names as eligible, with their
 * last activation through elevate, their activations in the period and their last sign-in; each
 * reviewer gets a card. Keep leaves the eligibility, Remove (with a reason) ends it through PIM.
 * Nobody reviews themselves. Halfway to the due date the undecided people are re-sent once; at
 * the due date what is still undecided goes to the security channel as overdue. Every decision
 * is audited, and the finished review is summarised in the security channel.
 */
import { parseRoleList } from '../commands/role-list.ts';
import type { SecurityAlert } from '../domain/alert.ts';
import type { AuditAction, AuditEventInput } from '../domain/audit.ts';
import { formatDuration } from '../domain/duration.ts';
import { targetPolicy } from '../domain/effective-policy.ts';
import type { Principal, PrincipalRef } from '../domain/principal.ts';
import {
  isOpen,
  periodOf,
  type Review,
  type ReviewedTarget,
  type ReviewItem,
  type ReviewVerdict,
  tally,
  undecided,
  withDecision,
} from '../domain/review.ts';
import { type Target, targetLabel } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import type { ReviewStore } from '../ports/review-store.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { end } from './end.ts';
import { namedTarget } from './named-target.ts';
import { roleCatalogue } from './queries.ts';

/** A reason for Remove must say something; PIM keeps it as the request's justification. */
const MIN_REASON = 5;
/** Requests of the target read to find last activations: pages of PAGE, at most MAX_PAGES. */
const PAGE = 500;
const MAX_PAGES = 20;
/** Concurrent stores of a review under contention retry this often before giving up. */
const WRITE_TRIES = 5;

export interface ReviewsStarted {
  readonly started: readonly Review[];
  /** Targets that could not be reviewed, with why (also posted to the security channel). */
  readonly failed: readonly { readonly typed: string; readonly error: AppError }[];
}

/**
 * The reviews-scan job: starts the review of every listed target whose current period has no
 * review yet. The review id is the target and period, so replicas scanning at once start one.
 */
export async function startDueReviews(deps: CoreDeps): Promise<ReviewsStarted> {
  const listed = deps.policy().reviews?.targets ?? [];
  const store = deps.reviews;
  if (listed.length === 0 || !store) return { started: [], failed: [] };
  const now = deps.clock.now();
  const due: ReviewedTarget[] = [];
  for (const entry of listed) if (!(await store.get(reviewId(entry, now)))) due.push(entry);
  if (due.length === 0) return { started: [], failed: [] };
  const targets = await reviewTargets(deps, due);
  const started: Review[] = [];
  const failed: { typed: string; error: AppError }[] = [];
  for (const entry of due) {
    const target = targets.get(entry.typed);
    const review = target?.ok
      ? await startReview(deps, store, entry, target.value)
      : err(target?.error ?? appError('review.target_unknown', { typed: entry.typed }));
    if (review.ok) {
      if (review.value) started.push(review.value);
      continue;
    }
    failed.push({ typed: entry.typed, error: review.error });
    await deps.notifier.securityAlert(failedAlert(entry, review.error, now));
  }
  return { started, failed };
}

/** `rv-<target as a slug>-<period number>`. */
export function reviewId(entry: ReviewedTarget, at: number): string {
  const slug = entry.typed
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);
  return `rv-${slug}-${periodOf(at, entry.rule.every)}`;
}

/** The listed targets as PIM knows them, looked up tenant-wide (named-target.ts). */
async function reviewTargets(
  deps: CoreDeps,
  entries: readonly ReviewedTarget[],
): Promise<Map<string, Result<Target, AppError>>> {
  const catalogue = await roleCatalogue(deps);
  const resolved = new Map<string, Result<Target, AppError>>();
  for (const entry of entries) {
    const specs = parseRoleList(entry.typed, catalogue);
    const [spec, ...more] = specs.ok ? specs.value : [];
    resolved.set(
      entry.typed,
      !specs.ok
        ? specs
        : spec && more.length === 0
          ? await namedTarget(deps, spec)
          : err(appError('review.target_unknown', { typed: entry.typed })),
    );
  }
  return resolved;
}

async function startReview(
  deps: CoreDeps,
  store: ReviewStore,
  entry: ReviewedTarget,
  target: Target,
): Promise<Result<Review | null, AppError>> {
  if (!deps.privileges.eligibleFor)
    return err(appError('review.cannot_list', { target: targetLabel(target) }));
  const now = deps.clock.now();
  const periodStart = now - entry.rule.every * 1000;
  const [holders, activity] = await Promise.all([
    deps.privileges.eligibleFor(target),
    activityOf(deps, target, periodStart),
  ]);
  const items = await Promise.all(
    holders.map(async (h): Promise<ReviewItem> => {
      const person = h.type === 'user' ? await deps.directory.findUser(h.principalId) : null;
      const lastSignIn =
        h.type === 'user' ? ((await deps.directory.lastSignIn?.(h.principalId)) ?? null) : null;
      const seen = activity.get(h.principalId);
      return {
        principalId: h.principalId,
        type: h.type,
        name: person?.displayName ?? `${h.type === 'group' ? 'group' : 'account'} ${h.principalId}`,
        ...(person?.email ? { email: person.email } : {}),
        scope: h.scope,
        lastActivation: seen?.last ?? null,
        activations: seen?.inPeriod ?? 0,
        lastSignIn,
        decision: null,
      };
    }),
  );
  // One row per person and scope: PIM lists a renewed eligibility as a second instance.
  const unique = items.filter(
    (item, i) =>
      items.findIndex((o) => o.principalId === item.principalId && o.scope === item.scope) === i,
  );
  unique.sort((a, b) => a.name.localeCompare(b.name));
  const dueAt = now + entry.rule.dueIn * 1000;
  const review: Review = {
    id: reviewId(entry, now),
    version: 1,
    target,
    typed: entry.typed,
    reviewers: reviewersOf(deps, entry, target),
    periodStart,
    createdAt: now,
    remindAt: now + Math.floor((entry.rule.dueIn * 1000) / 2),
    dueAt,
    remindedAt: null,
    overdueAt: null,
    closedAt: unique.length === 0 ? now : null,
    items: unique,
  };
  if (review.reviewers.length === 0)
    return err(appError('review.no_reviewers', { target: targetLabel(target) }));
  const created = await store.create(review);
  // Another replica started this period's review a moment ago: it is theirs to announce.
  if (!created.ok) return ok(null);
  await deps.audit.append(
    reviewEvent(review, 'review.started', null, now, null, {
      people: unique.length,
      reviewers: review.reviewers.join(', '),
      dueAt,
    }),
  );
  if (review.closedAt !== null) {
    await finish(deps, review);
    return ok(review);
  }
  await deps.scheduler.schedule('review-remind', review.id, review.remindAt);
  await deps.scheduler.schedule('review-due', review.id, review.dueAt);
  await deps.notifier.reviewChanged(review, 'started');
  return ok(review);
}

/** The policy references who review: a list as written, or the target's approvers. */
function reviewersOf(deps: CoreDeps, entry: ReviewedTarget, target: Target): PrincipalRef[] {
  if (entry.rule.reviewers !== 'approvers') return [...entry.rule.reviewers];
  return [...targetPolicy(deps.policy(), target).approval.approvers];
}

/** Per person: the last activation of the target through elevate, and how many in the period. */
async function activityOf(
  deps: CoreDeps,
  target: Target,
  periodStart: number,
): Promise<Map<string, { last: number; inPeriod: number }>> {
  const seen = new Map<string, { last: number; inPeriod: number }>();
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const read = await deps.store.listByRole(target.id, {
      limit: PAGE,
      ...(before ? { before } : {}),
    });
    for (const r of read.items) {
      if (r.activatedAt === null) continue;
      if (!r.targets.some((t) => t.kind === target.kind && t.id === target.id)) continue;
      const was = seen.get(r.requester.id) ?? { last: 0, inPeriod: 0 };
      seen.set(r.requester.id, {
        last: Math.max(was.last, r.activatedAt),
        inPeriod: was.inPeriod + (r.activatedAt >= periodStart ? 1 : 0),
      });
    }
    if (!read.next) break;
    before = read.next;
  }
  return seen;
}

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

/** The summary, once a review is closed (every person decided, or overdue). */
async function finish(deps: CoreDeps, r: Review): Promise<void> {
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
async function write<R extends Review | null>(
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
async function settled(
  store: ReviewStore,
  id: string,
  result: Result<Review | null, AppError>,
): Promise<Result<Review, AppError>> {
  if (!result.ok) return result;
  const current = await store.get(id);
  return current ? ok(current) : err(appError('review.not_found', { id }));
}

function alreadyDecided(item: ReviewItem): AppError {
  return appError('review.already_decided', {
    name: item.name,
    verdict: item.decision?.verdict === 'remove' ? 'removed' : 'kept',
    by: item.decision?.by.displayName ?? 'another reviewer',
  });
}

function reviewEvent(
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

function failedAlert(entry: ReviewedTarget, error: AppError, now: number): SecurityAlert {
  return {
    kind: 'review_failed',
    key: `review-failed-${reviewId(entry, now)}`,
    title: `The eligibility review of ${entry.typed} could not start`,
    details: [error.message],
    action: `Fix reviews.targets in policy.yaml (or the cause named above); the review starts at the next scan.`,
    since: now,
  };
}
