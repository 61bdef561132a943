import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, toIsoDuration } from '../../../bot/core/domain/duration.ts';

const MAX = 366 * 86_400;
const seconds = fc.integer({ min: 1, max: MAX });

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['30m', 1_800],
    ['2h', 7_200],
    ['1h30m', 5_400],
    ['1d', 86_400],
    ['1D2H', 93_600],
    ['0h45m', 2_700],
    ['PT2H', 7_200],
    ['pt90m', 5_400],
    ['P1DT2H', 93_600],
    ['P2D', 172_800],
    ['PT1H0M30S', 3_630],
    [' 2h ', 7_200],
    ['366d', MAX],
  ])('%s is %i seconds', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([
    '',
    '0s',
    '0h0m',
    'P',
    'PT',
    'P1DT',
    'PT0S',
    '2',
    'h',
    '2 h',
    '1h 30m',
    '30m1h',
    '1.5h',
    '-2h',
    '+2h',
    '2hours',
    '367d',
    'PT1.5H',
    'P1W',
    '1234567890s',
    '２h',
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('reads back every formatted duration up to 366 days', () => {
    fc.assert(fc.property(seconds, (s) => parseDuration(formatDuration(s)) === s));
  });

  it('reads back every ISO duration it writes', () => {
    fc.assert(fc.property(seconds, (s) => parseDuration(toIsoDuration(s)) === s));
  });

  it('reads ISO forms built from any parts', () => {
    const part = fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined });
    fc.assert(
      fc.property(part, part, part, part, (d, h, m, s) => {
        const time = [
          h === undefined ? '' : `${h}H`,
          m === undefined ? '' : `${m}M`,
          s === undefined ? '' : `${s}S`,
        ].join('');
        const text = `P${d === undefined ? '' : `${d}D`}${time === '' ? '' : `T${time}`}`;
        const total = (d ?? 0) * 86_400 + (h ?? 0) * 3_600 + (m ?? 0) * 60 + (s ?? 0);
        const expected = total > 0 && total <= MAX ? total : null;
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });

  it('reads short forms built from any parts', () => {
    const part = fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: undefined });
    fc.assert(
      fc.property(part, part, part, part, (d, h, m, s) => {
        const units: [number | undefined, string][] = [
          [d, 'd'],
          [h, 'h'],
          [m, 'm'],
          [s, 's'],
        ];
        const text = units.map(([n, u]) => (n === undefined ? '' : `${n}${u}`)).join('');
        const total = (d ?? 0) * 86_400 + (h ?? 0) * 3_600 + (m ?? 0) * 60 + (s ?? 0);
        expect(parseDuration(text)).toBe(total > 0 && total <= MAX ? total : null);
      }),
    );
  });

  it('never throws on garbage, and gives null or a duration in range', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const s = parseDuration(text);
        return s === null || (Number.isInteger(s) && s >= 1 && s <= MAX);
      }),
    );
  });

  it('gives null for anything with a character no duration has', () => {
    const noise = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((t) => /[^0-9dhmspt\s]/i.test(t));
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), noise, fc.string({ maxLength: 8 }), (a, b, c) => {
        const text = a + b + c;
        expect(parseDuration(text)).toBeNull();
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [90, '1m30s'],
    [5_400, '1h30m'],
    [86_400, '1d'],
    [93_784, '1d2h3m4s'],
    [0, '0s'],
    [-5, '0s'],
    [0.4, '0s'],
    [Number.NaN, '0s'],
  ])('%d → %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('uses each unit at most once, largest first', () => {
    fc.assert(
      fc.property(seconds, (s) => /^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/.test(formatDuration(s))),
    );
  });
});

describe('toIsoDuration', () => {
  it.each([
    [7_200, 'PT2H'],
    [5_400, 'PT1H30M'],
    [90, 'PT1M30S'],
    [93_600, 'PT26H'],
  ])('%d → %s', (s, text) => {
    expect(toIsoDuration(s)).toBe(text);
  });
});
