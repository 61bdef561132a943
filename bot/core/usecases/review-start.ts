/**
 * Starting eligibility reviews (policy `reviews:`): the reviews-scan job starts, for each
 * listed target whose period has begun, one review listing everyone PIM names as eligible,
 * with their last activation through elevate, their activations in the period and their last
 * sign-in; each reviewer gets a card (reviews.ts has what follows).
 */
import { parseRoleList } from '../commands/role-list.ts';
import type { SecurityAlert } from '../domain/alert.ts';
import { targetPolicy } from '../domain/effective-policy.ts';
import type { PrincipalRef } from '../domain/principal.ts';
import { periodOf, type Review, type ReviewedTarget, type ReviewItem } from '../domain/review.ts';
import { type Target, targetLabel } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import type { ReviewStore } from '../ports/review-store.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { namedTarget } from './named-target.ts';
import { roleCatalogue } from './queries.ts';
import { finish, reviewEvent } from './review-record.ts';

/** Requests of the target read to find last activations: pages of PAGE, at most MAX_PAGES. */
const PAGE = 500;
const MAX_PAGES = 20;

export interface ReviewsStarted {
  readonly started: readonly Review[];
  /**
   * Targets that could not be reviewed, with why, and the finding for the security channel:
   * the caller posts it under the alerts cooldown, so a scan every few minutes says it once.
   */
  readonly failed: readonly {
    readonly typed: string;
    readonly error: AppError;
    readonly alert: SecurityAlert;
  }[];
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
  // Timers put back, as reconcile does for requests: a crash between storing a review and
  // scheduling them must not leave it without its reminder and due date (ids are fixed).
  for (const open of await store.listOpen()) {
    if (open.remindedAt === null)
      await deps.scheduler.schedule('review-remind', open.id, open.remindAt);
    await deps.scheduler.schedule('review-due', open.id, open.dueAt);
  }
  const due: ReviewedTarget[] = [];
  for (const entry of listed) if (!(await store.get(reviewId(entry, now)))) due.push(entry);
  if (due.length === 0) return { started: [], failed: [] };
  const targets = await reviewTargets(deps, due);
  const started: Review[] = [];
  const failed: { typed: string; error: AppError; alert: SecurityAlert }[] = [];
  for (const entry of due) {
    const target = targets.get(entry.typed);
    const review = target?.ok
      ? await startReview(deps, store, entry, target.value)
      : err(target?.error ?? appError('review.target_unknown', { typed: entry.typed }));
    if (review.ok) {
      if (review.value) started.push(review.value);
      continue;
    }
    failed.push({
      typed: entry.typed,
      error: review.error,
      alert: failedAlert(entry, review.error, now),
    });
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

function failedAlert(entry: ReviewedTarget, error: AppError, now: number): SecurityAlert {
  return {
    kind: 'review_failed',
    key: `review-failed-${entry.typed.toLowerCase()}-${error.code}`,
    title: `The eligibility review of ${entry.typed} could not start`,
    details: [error.message],
    action: `Fix reviews.targets in policy.yaml (or the cause named above); the review starts at the next scan.`,
    since: now,
  };
}
