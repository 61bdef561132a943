/**
 * How long a request's eligibility lasts, and how long a grant under it may therefore be. A
 * grant never outlives the eligibility it was made under: PIM's adminAssign does not check
 * that, so the bot cuts the duration where the eligibility ends and says so.
 */
import type { Eligibility } from '../ports/privilege-provider.ts';
import type { AccessRequest } from './request.ts';
import { covers, type Target } from './target.ts';

/** Below this a grant is not worth making (and PIM's own minimum for an activation). */
export const MIN_GRANT_SECONDS = 5 * 60;

/**
 * Until when every target is held: for each target the longest-lasting eligibility that
 * covers it, then the earliest of those. `null`: permanent. `'missing'`: a target is not held.
 */
export function eligibleUntil(
  held: readonly Eligibility[],
  targets: readonly Target[],
): number | null | 'missing' {
  let until: number | null = null;
  for (const t of targets) {
    const covering = held.filter((e) => covers(e.target, t));
    if (covering.length === 0) return 'missing';
    const ends = covering.some((e) => e.endsAt === null)
      ? null
      : Math.max(...covering.map((e) => e.endsAt ?? 0));
    if (ends !== null) until = until === null ? ends : Math.min(until, ends);
  }
  return until;
}

/** The seconds a grant of `r` starting at `startAt` may last. */
export function grantSeconds(r: AccessRequest, startAt: number): number {
  const until = r.eligibleUntil ?? null;
  if (until === null) return r.durationSeconds;
  return Math.max(0, Math.min(r.durationSeconds, Math.floor((until - startAt) / 1000)));
}

/** Whether the eligibility's end cuts the grant short of what was asked. */
export const cutByEligibility = (r: AccessRequest, startAt: number): boolean =>
  grantSeconds(r, startAt) < r.durationSeconds;
