/**
 * Text typed after `/elevate` (Slack) or to the bot (Teams) → a Command. Never throws: any
 * input gives a command or a catalogue error saying how to fix it.
 */
import { parseDuration } from '../domain/duration.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { Command, ParseContext } from './command.ts';
import { parseExport, parseHistory } from './parse-history.ts';
import { parseRequest } from './parse-request.ts';
import { EXAMPLE_ID, isRequestId, looksLikeRequestId, parseRequestId } from './request-id.ts';
import { parseRoleList } from './role-list.ts';

export type { Command, ParseContext } from './command.ts';

/** Slack allows longer text; a reason this long is a paste, not a justification. */
export const MAX_COMMAND_LENGTH = 2000;

export function parseCommand(text: string, ctx: ParseContext): Result<Command, AppError> {
  const known = parseWithoutContext(text);
  if (known) return known;
  const words = wordsOf(text);
  const [head = '', ...args] = words;
  switch (head.toLowerCase()) {
    case 'roles':
      return noArguments('roles', args);
    case 'status':
      return noArguments('status', args);
    case 'cancel':
      return parseCancel(args);
    case 'deactivate':
      return parseDeactivate(args, ctx);
    case 'extend':
      return parseExtend(args);
    case 'history':
      return args.length === 1 && /^reviews?$/i.test(args[0] ?? '')
        ? ok({ kind: 'review', what: 'history' })
        : parseHistory(args, ctx);
    case 'review':
    case 'reviews':
      return parseReview(args);
    case 'export':
      return parseExport(args, ctx);
    case 'whocan':
      return parseWhocan(args, ctx);
    case 'breakglass':
      return parseBreakglass(args);
    // The Teams command menu's entry: `request` alone opens the form, or takes the request.
    case 'request':
      return parseRequest(args, ctx);
    default:
      return parseRequest(words, ctx);
  }
}

/**
 * The answers that need neither the role catalogue nor the clock (`help`, empty or too long
 * text), so a platform can give them in its acknowledgement; null for every other command.
 */
export function parseWithoutContext(
  text: string,
): Result<Extract<Command, { kind: 'help' }>, AppError> | null {
  if (text.length > MAX_COMMAND_LENGTH) {
    return err(appError('command.too_long', { max: MAX_COMMAND_LENGTH }));
  }
  const [head] = wordsOf(text);
  if (head === undefined) return err(appError('command.empty'));
  return head.toLowerCase() === 'help' ? ok({ kind: 'help' }) : null;
}

function wordsOf(text: string): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (/^\/?elevate$/i.test(words[0] ?? '')) words.shift();
  return words;
}

function noArguments(kind: 'roles' | 'status', args: readonly string[]): Result<Command, AppError> {
  if (args.length === 0) return ok({ kind });
  return err(
    appError('command.bad_argument', {
      command: kind,
      text: args.join(' '),
      example: `/elevate ${kind}`,
    }),
  );
}

function parseCancel(args: readonly string[]): Result<Command, AppError> {
  const example = `/elevate cancel ${EXAMPLE_ID}`;
  const id = parseRequestId(args[0], 'cancel', example);
  if (!id.ok) return id;
  if (args.length > 1) return tooMany('cancel', args.slice(1), example);
  return ok({ kind: 'cancel', requestId: id.value });
}

/** An id if it is one; otherwise a role name, unless the word was clearly meant as an id. */
function parseDeactivate(args: readonly string[], ctx: ParseContext): Result<Command, AppError> {
  const [first] = args;
  if (first === undefined) return ok({ kind: 'deactivate', requestId: null, target: null });
  if (args.length === 1 && isRequestId(first)) {
    return ok({ kind: 'deactivate', requestId: first.toUpperCase(), target: null });
  }
  const example = `/elevate deactivate ${EXAMPLE_ID}`;
  const named = parseRoleList(args.join(' '), ctx.roles);
  if (named.ok) {
    const [target, ...more] = named.value;
    if (target && more.length === 0) return ok({ kind: 'deactivate', requestId: null, target });
    return err(
      appError('command.bad_argument', { command: 'deactivate', text: args.join(' '), example }),
    );
  }
  if (args.length === 1 && looksLikeRequestId(first)) {
    return err(appError('command.bad_argument', { command: 'deactivate', text: first, example }));
  }
  return named;
}

function parseExtend(args: readonly string[]): Result<Command, AppError> {
  const example = `/elevate extend ${EXAMPLE_ID} 1h`;
  const id = parseRequestId(args[0], 'extend', example);
  if (!id.ok) return id;
  const [, durationText, ...extra] = args;
  if (durationText === undefined) {
    const argument = 'a duration after the request id';
    return err(appError('command.missing_argument', { command: 'extend', argument, example }));
  }
  const durationSeconds = parseDuration(durationText);
  if (durationSeconds === null)
    return err(appError('command.bad_duration', { text: durationText }));
  if (extra.length > 0) return tooMany('extend', extra, example);
  return ok({ kind: 'extend', requestId: id.value, durationSeconds });
}

/** `whocan <role>`, `whocan group <name> [member|owner]`, `whocan <Azure role> on <scope>`. */
function parseWhocan(args: readonly string[], ctx: ParseContext): Result<Command, AppError> {
  const example = '/elevate whocan Exchange Administrator';
  if (args.length === 0) {
    const argument = 'a role, `group <name>` or `<Azure role> on <scope>`';
    return err(appError('command.missing_argument', { command: 'whocan', argument, example }));
  }
  const text = args.join(' ');
  const named = parseRoleList(text, ctx.roles);
  if (!named.ok) return named;
  const [target, ...more] = named.value;
  if (target === undefined || more.length > 0)
    return err(appError('command.bad_argument', { command: 'whocan', text, example }));
  return ok({ kind: 'whocan', target });
}

/** `review` (what is open for me) or `review history` (recent reviews and their results). */
function parseReview(args: readonly string[]): Result<Command, AppError> {
  if (args.length === 0) return ok({ kind: 'review', what: 'open' });
  if (args.length === 1 && args[0]?.toLowerCase() === 'history')
    return ok({ kind: 'review', what: 'history' });
  return err(
    appError('command.bad_argument', {
      command: 'review',
      text: args.join(' '),
      example: '/elevate review (or /elevate review history)',
    }),
  );
}

/** `breakglass [confirm] <target> <reason>`; `confirm` is what the Confirm button sends. */
function parseBreakglass(args: readonly string[]): Result<Command, AppError> {
  const confirmed = args[0]?.toLowerCase() === 'confirm';
  const text = (confirmed ? args.slice(1) : args).join(' ');
  if (text === '') {
    const example = '/elevate breakglass Exchange Administrator mail flow down INC-4711';
    const argument = 'a break-glass target and a reason';
    return err(appError('command.missing_argument', { command: 'breakglass', argument, example }));
  }
  return ok({ kind: 'breakglass', confirmed, text });
}

const tooMany = (
  command: string,
  extra: readonly string[],
  example: string,
): Result<never, AppError> =>
  err(appError('command.bad_argument', { command, text: extra.join(' '), example }));
