/**
 * Every way parsing can fail is a catalogue error whose message says what to do, and no input
 * makes the parser throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../bot/core/commands/parse.ts';
import { type AppError, errorCodes } from '../../../bot/core/errors.ts';
import { CTX } from './fixtures.ts';

/** One input per way to fail; each must fail with the code next to it. */
const FAILURES: readonly [string, string][] = [
  ['', 'command.empty'],
  ['y'.repeat(2_001), 'command.too_long'],
  ['pizza 2h lunch', 'command.unknown_role'],
  ['secutiry reader 2h audit', 'command.unknown_role'],
  ['sec 2h audit', 'command.ambiguous_role'],
  ['spo, SharePoint Administrator 1h x', 'command.duplicate_role'],
  ['ga 1h at 24:00 x', 'command.bad_start'],
  ['ga 1h at 2020-01-01 09:00 x', 'command.start_in_past'],
  ['ga 1h at 2027-01-01T09:00Z x', 'command.start_too_far'],
  ['ga 1h on /sites/x y', 'command.bad_scope'],
  ['ga 1h ticket <INC> y', 'command.bad_ticket'],
  ['group 2h on-call shift', 'command.group_name_missing'],
  ['Contributor on 2h hotfix', 'command.scope_missing'],
  ['cancel', 'command.missing_argument'],
  ['extend R7K2M9QX 2 hours', 'command.bad_duration'],
  ['extend R7K2M9Q 2h', 'command.bad_argument'],
];

/** A message tells the user how to go on: what to type, try or change next. */
const TELLS_WHAT_TO_DO =
  /\b(?:use|try|add|type|name|leave|pick|shorten|request|did you mean|lists?)\b|\be\.g\. `/i;

/** Test names: long inputs shortened so a report stays readable. */
const CASES = FAILURES.map(([text, code]) => ({
  name:
    text.length > 40 ? `${text.slice(0, 12)}… (${text.length} characters)` : JSON.stringify(text),
  text,
  code,
}));

function failure(text: string): AppError {
  const result = parseCommand(text, CTX);
  if (result.ok) throw new Error(`${text} parsed: ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parse errors', () => {
  it.each(CASES)('$name fails with $code', ({ text, code }) => {
    expect(failure(text).code).toBe(code);
  });

  it('covers every command code in the catalogue that the parser can give', () => {
    const tested = new Set(FAILURES.map(([, code]) => code));
    const parserCodes = errorCodes.filter(
      (c) =>
        c.startsWith('command.') &&
        c !== 'command.missing_role' &&
        c !== 'command.missing_duration' &&
        c !== 'command.missing_reason',
    );
    expect(parserCodes.filter((c) => !tested.has(c))).toEqual([]);
  });

  it.each(CASES)('the message for $name says what to do', ({ text }) => {
    const { code, message } = failure(text);
    expect(errorCodes).toContain(code);
    expect(message).toMatch(TELLS_WHAT_TO_DO);
    expect(message).not.toMatch(/undefined|null|NaN|\[object/);
  });
});

/** Words from the grammar, so random text reaches deep into the parser, not just its front. */
const grammarWord = fc.oneof(
  fc.constantFrom(
    '/elevate',
    'elevate',
    'roles',
    'status',
    'help',
    'cancel',
    'deactivate',
    'extend',
    'history',
    'export',
    'me',
    'all',
    'role',
    'since',
    'at',
    'in',
    'on',
    'ticket',
    '--',
    ',',
    'ga',
    'spo',
    'exch',
    'admin',
    'global',
    'reader',
    'security',
    'Admins',
    'prod',
    '2h',
    'PT90M',
    '0s',
    '400d',
    '14:00',
    '25:00',
    '2pm',
    '2026-11-05',
    '09:00',
    '2026-11-05T09:00Z',
    '7d',
    '/',
    '/subscriptions/x',
    'R7K2M9QX',
    'r7k2m9qx',
    'R12',
    'INC-4711',
    '<@U123|jane>',
    '@jane',
    'ÿ',
    '',
  ),
  fc.string({ maxLength: 12 }),
);
const separator = fc.constantFrom(' ', '  ', '\t', '\n', ',', ', ', '\u00a0', '\u3000');

describe('parseCommand on any input', () => {
  const check = (text: string) => {
    const result = parseCommand(text, CTX);
    if (!result.ok) {
      expect(errorCodes).toContain(result.error.code);
      // A message may quote what was typed; what it must never show is its own missing value.
      for (const leak of ['undefined', 'NaN', '[object'])
        if (!text.includes(leak)) expect(result.error.message).not.toContain(leak);
    }
  };

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), {
      numRuns: 2_000,
    });
  });

  it('never throws on arbitrary mixes of grammar words', () => {
    const text = fc
      .array(fc.tuple(grammarWord, separator), { maxLength: 14 })
      .map((parts) => parts.map(([w, s]) => w + s).join(''));
    fc.assert(fc.property(text, check), { numRuns: 3_000 });
  });

  it('never throws whatever the catalogue and clock', () => {
    const role = fc.record({
      kind: fc.constant('directory_role' as const),
      id: fc.string({ maxLength: 4 }),
      name: fc.string({ maxLength: 20 }),
      aliases: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(role, { maxLength: 6 }),
        fc.integer({ min: -8.64e15, max: 8.64e15 }),
        fc.constantFrom('UTC', 'Europe/Berlin', 'Not/AZone', ''),
        fc.array(grammarWord, { maxLength: 10 }),
        (roles, now, timezone, words) => {
          const result = parseCommand(words.join(' '), { roles, now, timezone });
          expect(result.ok || errorCodes.includes(result.error.code)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('answers the longest input with a catalogue error, not a crash', () => {
    const text = `${'exch admin '.repeat(180)}`.slice(0, 2_000);
    const roles = Array.from({ length: 200 }, (_, i) => ({
      kind: 'directory_role' as const,
      id: `r${i}`,
      name: `Role ${i} Administrator`,
      aliases: [`exch ${i}`],
    }));
    const result = parseCommand(text, { ...CTX, roles });
    expect(result.ok || errorCodes.includes(result.error.code)).toBe(true);
  });
});
