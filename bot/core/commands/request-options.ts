/**
 * The options between a request's duration and its reason, in any order: `at <start>`,
 * `in <duration>`, `on <scope>`, `ticket <id>`. The first word that is not an option begins the
 * reason, and so does an option given a second time; `--` ends the options explicitly.
 */
import { DIRECTORY_SCOPE } from '../domain/target.ts';
import type { AppError } from '../errors.ts';
import { ok, type Result } from '../result.ts';
import { END_OF_OPTIONS, type ParseContext } from './command.ts';
import { parseScope, parseTicket } from './scope-ticket.ts';
import { parseStart } from './start-time.ts';

export interface RequestOptions {
  readonly startAt: number | null;
  readonly scope: string;
  readonly ticket: string | null;
  readonly reason: string;
}

/** Options read so far; null means not given (yet). */
interface Draft {
  startAt: number | null;
  scope: string | null;
  ticket: string | null;
}

export function parseOptions(
  words: readonly string[],
  ctx: ParseContext,
): Result<RequestOptions, AppError> {
  const options: Draft = { startAt: null, scope: null, ticket: null };
  let i = 0;
  while (i < words.length) {
    const keyword = words[i]?.toLowerCase() ?? '';
    if (keyword === END_OF_OPTIONS) {
      i += 1;
      break;
    }
    const used = option(keyword, words.slice(i + 1), options, ctx);
    if (used === null) break;
    if (!used.ok) return used;
    i += 1 + used.value;
  }
  return ok({
    startAt: options.startAt,
    scope: options.scope ?? DIRECTORY_SCOPE,
    ticket: options.ticket,
    reason: words.slice(i).join(' '),
  });
}

/**
 * Reads one option into `options`; the result is how many words after the keyword it took.
 * null: `keyword` and what follows are not an option, so the reason starts here.
 */
function option(
  keyword: string,
  after: readonly string[],
  options: Draft,
  ctx: ParseContext,
): Result<number, AppError> | null {
  const [next] = after;
  if (next === undefined) return null;
  if ((keyword === 'at' || keyword === 'in') && options.startAt === null) {
    const start = parseStart(keyword, after, ctx);
    if (start === null || !start.ok) return start;
    options.startAt = start.value.startAt;
    return ok(start.value.used);
  }
  if (keyword === 'on' && options.scope === null) {
    const scope = parseScope(next);
    if (scope === null || !scope.ok) return scope;
    options.scope = scope.value;
    return ok(1);
  }
  if (keyword === 'ticket' && options.ticket === null) {
    const ticket = parseTicket(next);
    if (!ticket.ok) return ticket;
    options.ticket = ticket.value;
    return ok(1);
  }
  return null;
}
