/**
 * `history [me|@user|all] [role <role>] [since <7d>|<date>]` and `export [since <30d>|<date>]`.
 * `role` and `since` may come in either order; a role name runs up to `since` or the end.
 */
import { parseDuration } from '../domain/duration.ts';
import type { RoleEntry } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { Command, HistoryWho, ParseContext } from './command.ts';
import { parseDate, parseDateTime } from './instant.ts';
import { matchRole } from './role-match.ts';

const HISTORY_EXAMPLE = '/elevate history @jane role Exchange Administrator since 7d';
const EXPORT_EXAMPLE = '/elevate export since 30d';
/**
 * Slack sends `<@U123ABC>` or `<@U123ABC|jane>` (escaped commands), otherwise the text as
 * typed: a plain `@jane`. An email, with or without the `@` in front, names a person too.
 */
const MENTION =
  /^(?:<@[A-Z0-9]+(?:\|[^<>\s|]+)?>|@[\p{L}\p{N}._'+-]+(?:@[\p{L}\p{N}.-]+)?|[\p{L}\p{N}._'+-]+@[\p{L}\p{N}.-]+)$/iu;

export function parseHistory(
  args: readonly string[],
  ctx: ParseContext,
): Result<Command, AppError> {
  const first = args[0] ?? '';
  const who = readWho(first);
  const rest = who === null ? args : args.slice(1);
  let role: RoleEntry | null = null;
  let since: number | null = null;
  let i = 0;
  while (i < rest.length) {
    const keyword = rest[i]?.toLowerCase() ?? '';
    if (keyword === 'role' && role === null) {
      const end = findFrom(rest, i + 1, 'since');
      const name = rest.slice(i + 1, end).join(' ');
      if (name === '') return missing('history', 'a role name after `role`', HISTORY_EXAMPLE);
      const found = matchRole(name, ctx.roles);
      if (!found.ok) return found;
      role = found.value;
      i = end;
    } else if (keyword === 'since' && since === null) {
      const parsed = parseSince(rest[i + 1], 'history', HISTORY_EXAMPLE, ctx);
      if (!parsed.ok) return parsed;
      since = parsed.value;
      i += 2;
    } else {
      return bad('history', rest.slice(i).join(' '), HISTORY_EXAMPLE);
    }
  }
  return ok({ kind: 'history', who: who ?? { kind: 'me' }, role, since });
}

export function parseExport(args: readonly string[], ctx: ParseContext): Result<Command, AppError> {
  if (args.length === 0) return ok({ kind: 'export', since: null });
  if (args[0]?.toLowerCase() !== 'since' || args.length > 2) {
    return bad('export', args.join(' '), EXPORT_EXAMPLE);
  }
  const since = parseSince(args[1], 'export', EXPORT_EXAMPLE, ctx);
  return since.ok ? ok({ kind: 'export', since: since.value }) : since;
}

function readWho(word: string): HistoryWho | null {
  const lower = word.toLowerCase();
  if (lower === 'me' || lower === 'all') return { kind: lower };
  return MENTION.test(word) ? { kind: 'user', mention: word } : null;
}

/**
 * `7d` (that long before now), `2026-11-01` (the start of that day in the context's zone) or
 * an ISO date-time, as epoch ms.
 */
function parseSince(
  text: string | undefined,
  command: string,
  example: string,
  ctx: ParseContext,
): Result<number, AppError> {
  if (text === undefined) return missing(command, 'a duration or date after `since`', example);
  const seconds = parseDuration(text);
  if (seconds !== null) return ok(ctx.now - seconds * 1000);
  const at = parseDate(text, ctx.timezone) ?? parseDateTime(text, ctx.timezone);
  return at === null ? bad(command, `since ${text}`, example) : ok(at);
}

function findFrom(words: readonly string[], from: number, keyword: string): number {
  const i = words.findIndex((w, index) => index >= from && w.toLowerCase() === keyword);
  return i < 0 ? words.length : i;
}

const missing = (command: string, argument: string, example: string): Result<never, AppError> =>
  err(appError('command.missing_argument', { command, argument, example }));

const bad = (command: string, text: string, example: string): Result<never, AppError> =>
  err(appError('command.bad_argument', { command, text, example }));
