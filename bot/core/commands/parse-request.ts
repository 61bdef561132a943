/**
 * `<role>[, <role>...] <duration> [at|in|on|ticket …] [--] <reason...>`. Missing parts are not
 * errors: the command lists them in `missing` and the adapter asks for them in a form.
 */
import { parseDuration } from '../domain/duration.ts';
import type { AppError } from '../errors.ts';
import { ok, type Result } from '../result.ts';
import {
  END_OF_OPTIONS,
  type MissingPart,
  OPTION_WORDS,
  type ParseContext,
  type RequestCommand,
  type TargetSpec,
} from './command.ts';
import { parseOptions } from './request-options.ts';
import { leadingRoles, parseRoleList } from './role-list.ts';

export function parseRequest(
  words: readonly string[],
  ctx: ParseContext,
): Result<RequestCommand, AppError> {
  const parts = rolesAndDuration(words, ctx);
  if (!parts.ok) return parts;
  const { targets, durationSeconds, rest } = parts.value;
  const options = parseOptions(rest, ctx);
  if (!options.ok) return options;
  const { startAt, scope, ticket, reason } = options.value;
  const missing: MissingPart[] = [];
  if (targets.length === 0) missing.push('role');
  if (durationSeconds === null) missing.push('duration');
  if (reason === '') missing.push('reason');
  return ok({ kind: 'request', targets, scope, durationSeconds, startAt, ticket, reason, missing });
}

interface RolesAndDuration {
  readonly targets: TargetSpec[];
  readonly durationSeconds: number | null;
  /** Options and reason. */
  readonly rest: string[];
}

/**
 * The role part is everything before the first duration; with no duration (before `--`), the
 * longest leading run of words that names roles. Text starting with an option has no role.
 */
function rolesAndDuration(
  words: readonly string[],
  ctx: ParseContext,
): Result<RolesAndDuration, AppError> {
  const marker = words.indexOf(END_OF_OPTIONS);
  const end = marker < 0 ? words.length : marker;
  const at = words.slice(0, end).findIndex((w) => parseDuration(w) !== null);
  const durationWord = words[at];
  if (at >= 0 && durationWord !== undefined) {
    const targets = parseRoleList(words.slice(0, at).join(' '), ctx.roles);
    if (!targets.ok) return targets;
    return ok({
      targets: targets.value,
      durationSeconds: parseDuration(durationWord),
      rest: words.slice(at + 1),
    });
  }
  const first = words[0]?.toLowerCase();
  if (end === 0 || first === undefined || OPTION_WORDS.has(first)) {
    return ok({ targets: [], durationSeconds: null, rest: [...words] });
  }
  const leading = leadingRoles(words.slice(0, end), ctx.roles);
  if (!leading.ok) return leading;
  return ok({
    targets: leading.value.targets,
    durationSeconds: null,
    rest: [...leading.value.rest, ...words.slice(end)],
  });
}
