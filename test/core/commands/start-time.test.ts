import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../../bot/core/commands/command.ts';
import { parseStart } from '../../../bot/core/commands/start-time.ts';
import { CTX, DAY, HOUR, NOW } from './fixtures.ts';

const at = (text: string, ctx: ParseContext = CTX) => parseStart('at', text.split(' '), ctx);
const startOf = (text: string, ctx: ParseContext = CTX): number | undefined => {
  const result = at(text, ctx);
  return result?.ok ? result.value.startAt : undefined;
};
const codeOf = (result: ReturnType<typeof at>) => (result && !result.ok ? result.error.code : null);

describe('at <time of day>', () => {
  // NOW is 10:30 in Berlin (UTC+1 in November).
  it.each([
    ['14:00', Date.UTC(2026, 10, 3, 13, 0)],
    ['9:00', Date.UTC(2026, 10, 4, 8, 0)],
    ['10:30', NOW],
    ['10:29', Date.UTC(2026, 10, 4, 9, 29)],
    ['23:59', Date.UTC(2026, 10, 3, 22, 59)],
    ['00:00', Date.UTC(2026, 10, 3, 23, 0)],
    ['2pm', Date.UTC(2026, 10, 3, 13, 0)],
    ['2:15PM', Date.UTC(2026, 10, 3, 13, 15)],
    ['12am', Date.UTC(2026, 10, 3, 23, 0)],
    ['12pm', Date.UTC(2026, 10, 3, 11, 0)],
  ])('%s is the next time the clock in Berlin shows it', (text, expected) => {
    expect(startOf(text)).toBe(expected);
  });

  it('skips over a clock change', () => {
    // 2026-03-08 01:00 EST in New York; 02:30 does not exist that night.
    const ctx = { ...CTX, now: Date.UTC(2026, 2, 8, 6, 0), timezone: 'America/New_York' };
    const start = startOf('02:30', ctx);
    expect(start).toBeGreaterThan(ctx.now);
    expect(start).toBeLessThan(ctx.now + DAY);
    expect(startOf('09:00', ctx)).toBe(Date.UTC(2026, 2, 8, 13, 0));
  });
});

describe('at <date and time>', () => {
  it.each([
    ['2026-11-05T09:00Z', Date.UTC(2026, 10, 5, 9, 0)],
    ['2026-11-05T09:00z', Date.UTC(2026, 10, 5, 9, 0)],
    ['2026-11-05T09:00', Date.UTC(2026, 10, 5, 8, 0)],
    ['2026-11-05 09:00', Date.UTC(2026, 10, 5, 8, 0)],
    ['2026-11-05 9:00', Date.UTC(2026, 10, 5, 8, 0)],
    ['2026-11-05 09:00Z', Date.UTC(2026, 10, 5, 9, 0)],
    ['2026-11-05T09:00+05:30', Date.UTC(2026, 10, 5, 3, 30)],
    ['2026-11-05T09:00:30.250Z', Date.UTC(2026, 10, 5, 9, 0, 30, 250)],
  ])('%s', (text, expected) => {
    expect(startOf(text)).toBe(expected);
  });

  it('uses two words when the date and the time are apart', () => {
    expect(at('2026-11-05 09:00 fixing')).toMatchObject({ ok: true, value: { used: 2 } });
    expect(at('2026-11-05T09:00Z fixing')).toMatchObject({ ok: true, value: { used: 1 } });
  });
});

describe('in <duration>', () => {
  it('starts that long from now', () => {
    expect(parseStart('in', ['2h'], CTX)).toEqual({
      ok: true,
      value: { startAt: NOW + 2 * HOUR, used: 1 },
    });
    expect(parseStart('in', ['30d'], CTX)).toMatchObject({ ok: true });
  });

  it('leaves words that are no duration to the reason', () => {
    expect(parseStart('in', ['prod'], CTX)).toBeNull();
  });
});

describe('errors and non-starts', () => {
  it.each([
    ['25:00', 'command.bad_start'],
    ['14:60', 'command.bad_start'],
    ['13pm', 'command.bad_start'],
    ['0am', 'command.bad_start'],
    ['14.00', 'command.bad_start'],
    ['2026-11-05', 'command.bad_start'],
    ['2026-13-01T09:00Z', 'command.bad_start'],
    ['2026-11-05T09:00+25:00', 'command.bad_start'],
    ['2026-W45-1', 'command.bad_start'],
    ['2026-11-01T09:00Z', 'command.start_in_past'],
    ['2026-12-10 09:00', 'command.start_too_far'],
  ])('at %s → %s', (text, code) => {
    expect(codeOf(at(text))).toBe(code);
  });

  it('says a start more than 30 days out is too far', () => {
    expect(codeOf(parseStart('in', ['31d'], CTX))).toBe('command.start_too_far');
  });

  it.each(["the customer's request", 'home', 'noon', '5'])('at %s begins the reason', (text) => {
    expect(at(text)).toBeNull();
  });

  it('does not throw on a zone luxon does not know', () => {
    expect(codeOf(at('14:00', { ...CTX, timezone: 'Mars/Olympus' }))).toBe('command.bad_start');
  });
});
