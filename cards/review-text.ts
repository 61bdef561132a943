/**
 * An eligibility review in words both platforms show: the heading, one line of facts per
 * person, and what was decided. Plain text: names go into plain-text blocks.
 */
import { DateTime } from 'luxon';
import { formatDuration } from '../bot/core/domain/duration.ts';
import { type Review, type ReviewItem, tally } from '../bot/core/domain/review.ts';
import { clock, targetText } from './wording.ts';

/**
 * Slack allows 50 blocks (a person undecided takes two, decided one, and the card four of its
 * own) and Teams cards grow long: at most this many undecided and this many decided per card.
 */
export const PEOPLE_PER_CARD = 15;

const day = (ms: number, timezone: string) =>
  DateTime.fromMillis(ms, { zone: timezone }).toFormat('d LLL yyyy');

export function reviewTitle(r: Review): string {
  return `Eligibility review: ${targetText(r.target)}`;
}

/** Where the review stands: due when, how many decided, or how it ended. */
export function reviewStatus(r: Review, timezone: string): string {
  const t = tally(r);
  const counts = `${t.kept} kept, ${t.removed} removed, ${t.open} undecided of ${r.items.length}`;
  if (r.items.length === 0) return 'Nobody is eligible: nothing to review.';
  if (r.overdueAt !== null)
    return `Overdue since ${clock(r.dueAt, timezone)}: ${counts}. The security channel was told.`;
  if (r.closedAt !== null) return `Done: ${counts}.`;
  const again = r.remindedAt !== null ? ' Reminder: please decide the rest.' : '';
  return `Due ${clock(r.dueAt, timezone)} · ${counts}.${again}`;
}

export function reviewIntro(r: Review): string {
  const period = formatDuration(Math.round((r.createdAt - r.periodStart) / 1000));
  return `Does everyone below still need to be eligible? Keep leaves the eligibility; Remove ends it in Entra PIM (you say why). Activity is counted over the last ${period}; you cannot decide your own.`;
}

/** The person and what is known of them. */
export function itemFacts(i: ReviewItem, timezone: string): string {
  const who = i.email ? `${i.name} (${i.email})` : i.name;
  const scope = i.scope !== '/' ? ` · at ${i.scope}` : '';
  const last =
    i.lastActivation === null
      ? 'never activated through elevate'
      : `last activated ${day(i.lastActivation, timezone)}`;
  const signIn =
    i.type === 'group'
      ? 'a group: its members may activate'
      : i.lastSignIn === null
        ? 'no sign-in on record'
        : `last sign-in ${day(i.lastSignIn, timezone)}`;
  return `${who}${scope} · ${last} · ${i.activations} activation${i.activations === 1 ? '' : 's'} in the period · ${signIn}`;
}

export function decisionText(i: ReviewItem, timezone: string): string | null {
  const d = i.decision;
  if (!d) return null;
  return d.verdict === 'keep'
    ? `Kept by ${d.by.displayName}, ${day(d.at, timezone)}`
    : `Removed by ${d.by.displayName}, ${day(d.at, timezone)}: ${d.reason ?? ''}`;
}

/** The people a card lists: the undecided first (a page of them), then the decided. */
export function shownItems(r: Review): { items: ReviewItem[]; hidden: number } {
  const open = r.items.filter((i) => i.decision === null);
  const done = r.items.filter((i) => i.decision !== null);
  const items = [...open.slice(0, PEOPLE_PER_CARD), ...done.slice(0, PEOPLE_PER_CARD)];
  return { items, hidden: r.items.length - items.length };
}

/** The button's value: which review and which person. */
export const itemValue = (r: Review, i: ReviewItem): string => `${r.id}|${i.principalId}`;

export function parseItemValue(value: string): { reviewId: string; principalId: string } | null {
  const [reviewId, principalId, ...rest] = value.split('|');
  return reviewId && principalId && rest.length === 0 ? { reviewId, principalId } : null;
}
