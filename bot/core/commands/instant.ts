/**
 * Absolute times in commands: ISO 8601 date-times (an offset, or none meaning the context's
 * zone) and plain dates. Only the calendar forms people type are accepted, not every form luxon
 * knows (week dates, ordinals).
 */
import { DateTime } from 'luxon';

/** Offsets run from -12:00 to +14:00; luxon would also take `+25:00`. */
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-4])(?::?[0-5]\d)?)?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `2026-12-01T09:00Z`, `2026-12-01T09:00` (in `zone`) → epoch ms; null if not one. */
export function parseDateTime(text: string, zone: string): number | null {
  if (!DATE_TIME.test(text)) return null;
  const dt = DateTime.fromISO(text, { zone });
  return dt.isValid ? dt.toMillis() : null;
}

/** `2026-11-01` → the start of that day in `zone`, epoch ms; null if not a date. */
export function parseDate(text: string, zone: string): number | null {
  if (!DATE.test(text)) return null;
  const dt = DateTime.fromISO(text, { zone });
  return dt.isValid ? dt.startOf('day').toMillis() : null;
}

export const isDate = (text: string): boolean => DATE.test(text);

/** Epoch ms → shortest exact UTC form: `2026-12-01T09:00Z`, `…T09:00:30Z`, `…T09:00:30.250Z`. */
export function formatInstant(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.000Z$/, 'Z')
    .replace(/T(\d{2}:\d{2}):00Z$/, 'T$1Z');
}
