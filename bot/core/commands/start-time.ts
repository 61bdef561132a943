/**
 * When a scheduled request starts: `at 14:00` (the next time the wall clock in the context's
 * zone shows it), `at 2026-12-01T09:00Z` or `at 2026-12-01 09:00` (no offset: the context's
 * zone), `in 2h` (from now). Starts must lie between now and MAX_START_DAYS ahead.
 */
import { DateTime } from 'luxon';
import { parseDuration } from '../domain/duration.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { ParseContext } from './command.ts';
import { isDate, parseDateTime } from './instant.ts';

/** PIM schedules further out, but a request that far ahead would be approved on stale facts. */
export const MAX_START_DAYS = 30;
const DAY_MS = 86_400_000;

const CLOCK_24 = /^(\d{1,2}):(\d{2})$/;
const CLOCK_12 = /^(\d{1,2})(?::(\d{2}))?([ap]m)$/i;
const TIME_OF_DAY = /^\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** Looks like an attempt at a time or date, so a failure is an error, not the reason. */
const LOOKS_LIKE = /^(?:\d{1,2}[:.]\d|\d{4}-\d|\d{1,2}(?::\d+)?[ap]m$)/i;

export interface ParsedStart {
  readonly startAt: number;
  /** How many words after the keyword the start took. */
  readonly used: number;
}

/**
 * `words` are the words after `at` or `in`. null: they are not a start at all (`at the
 * customer's request`), so the keyword begins the reason.
 */
export function parseStart(
  keyword: 'at' | 'in',
  words: readonly string[],
  ctx: ParseContext,
): Result<ParsedStart, AppError> | null {
  const [first, second] = words;
  if (first === undefined) return null;
  if (keyword === 'in') {
    const seconds = parseDuration(first);
    if (seconds === null) return null;
    return inRange(ctx.now + seconds * 1000, `in ${first}`, 1, ctx);
  }
  if (isDate(first)) {
    if (second === undefined || !TIME_OF_DAY.test(second)) return badStart(first);
    const time = second.replace(/^(\d):/, '0$1:');
    return inRange(parseDateTime(`${first}T${time}`, ctx.timezone), `${first} ${second}`, 2, ctx);
  }
  if (/^\d{4}-/.test(first)) return inRange(parseDateTime(first, ctx.timezone), first, 1, ctx);
  const clock = readClock(first);
  if (clock !== null) return inRange(nextWallClock(clock, ctx), first, 1, ctx);
  return LOOKS_LIKE.test(first) ? badStart(first) : null;
}

interface Clock {
  readonly hour: number;
  readonly minute: number;
}

/** null: not shaped like a clock time; undefined: shaped like one but invalid (`25:00`). */
function readClock(text: string): Clock | null | undefined {
  const h24 = CLOCK_24.exec(text);
  if (h24) return clock(Number(h24[1]), Number(h24[2]), 0, 23);
  const h12 = CLOCK_12.exec(text);
  if (!h12) return null;
  const hour = Number(h12[1]);
  const pm = h12[3]?.toLowerCase() === 'pm';
  const c = clock(hour, Number(h12[2] ?? '0'), 1, 12);
  return c && { hour: (c.hour % 12) + (pm ? 12 : 0), minute: c.minute };
}

function clock(hour: number, minute: number, minHour: number, maxHour: number): Clock | undefined {
  return hour >= minHour && hour <= maxHour && minute <= 59 ? { hour, minute } : undefined;
}

/** Today at that time in the zone, or tomorrow if it has passed. null: invalid zone or time. */
function nextWallClock(at: Clock | undefined, ctx: ParseContext): number | null {
  if (at === undefined) return null;
  const local = DateTime.fromMillis(ctx.now, { zone: ctx.timezone });
  if (!local.isValid) return null;
  const time = { ...at, second: 0, millisecond: 0 };
  const today = local.set(time).toMillis();
  return today >= ctx.now ? today : local.plus({ days: 1 }).set(time).toMillis();
}

function inRange(
  startAt: number | null,
  text: string,
  used: number,
  ctx: ParseContext,
): Result<ParsedStart, AppError> {
  if (startAt === null || !Number.isFinite(startAt)) return badStart(text);
  if (startAt < ctx.now) return err(appError('command.start_in_past', { text }));
  if (startAt - ctx.now > MAX_START_DAYS * DAY_MS) {
    return err(appError('command.start_too_far', { text, maxDays: MAX_START_DAYS }));
  }
  return ok({ startAt, used });
}

const badStart = (text: string): Result<never, AppError> =>
  err(appError('command.bad_start', { text }));
