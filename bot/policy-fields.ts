/**
 * The value types of policy.yaml, as zod schemas whose every message says what is wrong and
 * what to write instead, and the strict mapping and optional section the structure is built
 * of. The structure that puts them together is in policy-schema.ts.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { formatDuration, parseDuration } from './core/domain/duration.ts';

/** How a bad value reads in a message: strings quoted, lists and mappings named. */
export function shown(input: unknown): string {
  if (input === undefined || input === null) return 'nothing';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return typeof input === 'string' ? JSON.stringify(input) : String(input);
}

/** Marks the message of an unknown-key issue; what follows is the JSON list of allowed keys. */
const ALLOWED_KEYS = 'allowed keys:';

/** The keys a mapping accepts, read back from an `unrecognized_keys` issue's message. */
export function allowedKeys(message: string): string[] {
  if (!message.startsWith(ALLOWED_KEYS)) return [];
  const parsed: unknown = JSON.parse(message.slice(ALLOWED_KEYS.length));
  return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
}

export function strict<S extends z.ZodRawShape>(shape: S, example: string) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `${ALLOWED_KEYS}${JSON.stringify(Object.keys(shape))}`
        : `expected a mapping such as ${example}, found ${shown(iss.input)}`,
  });
}

/** An empty section (`roles:` with nothing under it) reads as YAML null: treat it as absent. */
export const section = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());

const textOf = (what: string, example: string) =>
  z.string({
    error: (iss) => `expected ${what}, found ${shown(iss.input)}; write e.g. ${example}`,
  });

export const bool = () =>
  z.boolean({ error: (iss) => `expected true or false, found ${shown(iss.input)}` });

export const count = (min: number, max: number) =>
  z
    .number({
      error: (iss) => `expected a whole number from ${min} to ${max}, found ${shown(iss.input)}`,
    })
    .int({
      error: (iss) => `expected a whole number from ${min} to ${max}, found ${shown(iss.input)}`,
    })
    .min(min, {
      error: (iss) => `must be at least ${min}, found ${shown(iss.input)}; write ${min} or more`,
    })
    .max(max, {
      error: (iss) => `must be at most ${max}, found ${shown(iss.input)}; write ${max} or less`,
    });

/** `8h`, `30m`, `1h30m`, `PT2H` → seconds. A bare number is refused: seconds or hours? */
export const duration = () =>
  z
    .union([z.string(), z.number()], {
      error: (iss) => `expected a duration such as 8h, 30m or PT2H, found ${shown(iss.input)}`,
    })
    .transform((value, ctx) => {
      const seconds = typeof value === 'string' ? parseDuration(value) : null;
      if (seconds !== null) return seconds;
      ctx.issues.push({
        code: 'custom',
        input: value,
        message:
          typeof value === 'number'
            ? unitless(value)
            : `${shown(value)} is not a duration; write a number with a unit (d, h, m, s), e.g. 8h, 30m, 1h30m, or ISO 8601 such as PT2H`,
      });
      return z.NEVER;
    });

function unitless(value: number): string {
  const meant =
    Number.isInteger(value) && value > 0 && value <= 48
      ? `e.g. ${value}h for hours or ${value}m for minutes`
      : Number.isInteger(value) && value >= 60
        ? `e.g. ${formatDuration(value)} if you meant seconds`
        : 'e.g. 8h, 30m or PT2H';
  return `${value} has no unit; write the duration with one, ${meant}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/** An email/UPN or `group:<object id>`, lowercased so that lists compare by plain equality. */
export const principalRef = () =>
  textOf('an email/UPN or group:<object id>', 'secops@contoso.com').transform((raw, ctx) => {
    const value = raw.trim().toLowerCase();
    if (value.startsWith('group:')) {
      if (GUID.test(value.slice('group:'.length))) return value;
      ctx.issues.push({
        code: 'custom',
        input: raw,
        message: `${shown(raw)} does not name a group: after group: write the group's Entra object id (a GUID), e.g. group:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9`,
      });
      return z.NEVER;
    }
    if (EMAIL.test(value)) return value;
    ctx.issues.push({
      code: 'custom',
      input: raw,
      message: `${shown(raw)} is neither an email/UPN nor a group; write e.g. secops@contoso.com or group:<object id>`,
    });
    return z.NEVER;
  });

export const email = () =>
  textOf('an email/UPN', 'alice@contoso.com')
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => EMAIL.test(v), {
      error: (iss) => `${shown(iss.input)} is not an email/UPN; write e.g. alice@contoso.com`,
    });

/** A list of people and groups; each listed once, so that a quorum counts people, not lines. */
export const principalList = () =>
  z
    .array(principalRef(), {
      error: (iss) =>
        `expected a list such as [secops@contoso.com, group:<object id>], found ${shown(iss.input)}`,
    })
    .superRefine(
      (refs, ctx) => {
        // Runs even when an entry is invalid (it is then no string), so all problems show at once.
        refs.forEach((ref, i) => {
          if (typeof ref !== 'string' || refs.indexOf(ref) === i) return;
          ctx.addIssue({
            code: 'custom',
            input: ref,
            path: [i],
            message: `${ref} is listed twice; list each approver, auditor or group once`,
          });
        });
      },
      { when: (payload) => Array.isArray(payload.value) },
    );

export const regex = () =>
  textOf('a regular expression', '"^(INC|CHG)-?\\\\d+$"').check((ctx) => {
    try {
      new RegExp(ctx.value);
    } catch (error) {
      const why =
        error instanceof Error
          ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')
          : '';
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${shown(ctx.value)} is not a valid regular expression (${why}); fix it, e.g. "^(INC|CHG)-?\\\\d+$" (in double quotes, backslashes are doubled)`,
      });
    }
  });

export const timezone = () =>
  textOf('an IANA time zone', 'Europe/Amsterdam').refine((v) => IANAZone.isValidZone(v), {
    error: (iss) =>
      `${shown(iss.input)} is not an IANA time zone; write e.g. Europe/Amsterdam, America/New_York or UTC`,
  });

export const timeOfDay = () =>
  textOf('a time "HH:MM"', '"07:00"').regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, {
    error: (iss) =>
      `${shown(iss.input)} is not a time of day; write "HH:MM" on a 24-hour clock, e.g. "07:00" or "19:30"`,
  });

export const slackChannel = () =>
  textOf('a Slack channel id', 'C0123ABCD').regex(/^[CG][A-Z0-9]{2,}$/, {
    error: (iss) =>
      `${shown(iss.input)} is not a Slack channel id; write the id from the channel's details (C… or G…), e.g. C0123ABCD, not its #name`,
  });

export const teamsConversation = () =>
  textOf('a Teams conversation id', '"19:abc@thread.tacv2"').regex(/^19:\S+$/, {
    error: (iss) =>
      `${shown(iss.input)} is not a Teams conversation id; write the id that starts with 19:, e.g. "19:abc@thread.tacv2"`,
  });

export const slackUserId = () =>
  z.string().regex(/^[UW][A-Z0-9]{2,}$/, {
    error: (iss) =>
      `${shown(iss.input)} is not a Slack user id; write the member id from the profile, e.g. U0123ABC`,
  });

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** `Mon` or `monday` → 1 … `Sun` → 7 (ISO weekday); null when it is no day. */
function dayNumber(text: string): number | null {
  const word = text.trim().toLowerCase();
  const i = DAY_NAMES.findIndex((d) => word === d || word === d.slice(0, 3));
  return i < 0 ? null : i + 1;
}

/** `Mon`, or a range `Mon-Fri` (may wrap: `Fri-Mon`) → ISO weekday numbers. */
function daysOf(part: string): number[] | null {
  const [from, to, extra] = part.split('-');
  if (from === undefined || extra !== undefined) return null;
  const start = dayNumber(from);
  const end = to === undefined ? start : dayNumber(to);
  if (start === null || end === null) return null;
  const span = (end - start + 7) % 7;
  return Array.from({ length: span + 1 }, (_, i) => ((start - 1 + i) % 7) + 1);
}

/** `Mon-Fri`, `Mon, Wed`, or `[Mon, Tue]` → sorted ISO weekday numbers 1 (Monday) … 7. */
export const weekdays = () =>
  z
    .union([z.string(), z.array(z.string())], {
      error: (iss) => `expected days such as Mon-Fri or [Mon, Tue, Wed], found ${shown(iss.input)}`,
    })
    .transform((value, ctx) => {
      const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(','));
      const days = new Set<number>();
      for (const part of parts) {
        const found = daysOf(part);
        if (found === null) {
          ctx.issues.push({
            code: 'custom',
            input: value,
            message: `${shown(part.trim())} is not a day or range of days; write e.g. Mon-Fri or [Mon, Tue, Wed] (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`,
          });
          return z.NEVER;
        }
        for (const d of found) days.add(d);
      }
      if (days.size > 0) return [...days].sort((a, b) => a - b);
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: 'no days listed; write e.g. Mon-Fri',
      });
      return z.NEVER;
    });
