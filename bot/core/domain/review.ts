/**
 * Eligibility reviews (policy `reviews:`): on a schedule, the reviewers of a target are asked,
 * person by person, whether everyone PIM lists as eligible still needs to be. Keep leaves the
 * eligibility; Remove ends it through PIM. A review is one record per target and period; the
 * first reviewer to decide a person settles that person.
 */
import type { Principal, PrincipalRef } from './principal.ts';
import type { Target } from './target.ts';

/** How often one target is reviewed, by whom, and how long they have. Durations in seconds. */
export interface ReviewRule {
  readonly every: number;
  readonly dueIn: number;
  /** `approvers`: the target's approvers (and backup approvers) from its effective policy. */
  readonly reviewers: 'approvers' | readonly PrincipalRef[];
}

/** One `reviews.targets` entry: the target as typed in a request, and its rule. */
export interface ReviewedTarget {
  readonly typed: string;
  readonly rule: ReviewRule;
}

export interface ReviewsPolicy {
  readonly targets: readonly ReviewedTarget[];
}

export type ReviewVerdict = 'keep' | 'remove';

export interface ReviewDecision {
  readonly verdict: ReviewVerdict;
  readonly by: Principal;
  readonly at: number;
  /** Why the eligibility was removed (asked for on Remove); null for Keep. */
  readonly reason: string | null;
}

/** One eligible person (or group) and what the reviewers know about them. */
export interface ReviewItem {
  readonly principalId: string;
  readonly type: 'user' | 'group';
  readonly name: string;
  readonly email?: string;
  /** The scope the eligibility is at; Remove ends it there. */
  readonly scope: string;
  /** The last activation of the target through elevate, any time; null: none found. */
  readonly lastActivation: number | null;
  /** Activations of the target through elevate within the review period. */
  readonly activations: number;
  /** Entra signInActivity; null: never signed in, or not known (groups). */
  readonly lastSignIn: number | null;
  readonly decision: ReviewDecision | null;
}

export interface Review {
  /** `rv-<target hash>-<period number>`: one review per target and period, on every replica. */
  readonly id: string;
  readonly version: number;
  readonly target: Target;
  /** The target as written under reviews.targets. */
  readonly typed: string;
  /** Who may decide, as policy references (emails / UPNs or `group:<id>`). */
  readonly reviewers: readonly PrincipalRef[];
  /** The activity counted is from here to createdAt. */
  readonly periodStart: number;
  readonly createdAt: number;
  /** Undecided people are re-sent to the reviewers once, at this time. */
  readonly remindAt: number;
  readonly dueAt: number;
  readonly remindedAt: number | null;
  /** Posted to the security channel as overdue, with what was still undecided. */
  readonly overdueAt: number | null;
  /** Every person decided (or overdue): nothing more is asked. */
  readonly closedAt: number | null;
  readonly items: readonly ReviewItem[];
}

/** What just happened to a review, so a channel can say it. */
export type ReviewChange = 'started' | 'decided' | 'reminded' | 'overdue' | 'completed';

export const undecided = (review: Review): ReviewItem[] =>
  review.items.filter((i) => i.decision === null);

export const isOpen = (review: Review): boolean => review.closedAt === null;

/** The review with `principalId` decided; unchanged when that person is decided already. */
export function withDecision(
  review: Review,
  principalId: string,
  decision: ReviewDecision,
): Review {
  const items = review.items.map((i) =>
    i.principalId === principalId && i.decision === null ? { ...i, decision } : i,
  );
  const closed = items.every((i) => i.decision !== null);
  return {
    ...review,
    version: review.version + 1,
    items,
    closedAt: closed ? decision.at : review.closedAt,
  };
}

/** Counts for the summary: kept, removed, and still undecided. */
export function tally(review: Review): {
  readonly kept: number;
  readonly removed: number;
  readonly open: number;
} {
  const count = (v: ReviewVerdict | null) =>
    review.items.filter((i) => (i.decision?.verdict ?? null) === v).length;
  return { kept: count('keep'), removed: count('remove'), open: count(null) };
}

/** Which period `at` falls in, for a rule that reviews every `every` seconds. */
export const periodOf = (at: number, every: number): number => Math.floor(at / (every * 1000));
