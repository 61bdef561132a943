/**
 * The request form, on every platform: prefilled from what was typed, and read back into
 * command text so the same parser and policy checks apply. Problems the form itself can show
 * are returned per field (drawn under the input); policy problems come back as a message.
 * Each platform turns its own submitted form into `FormFields` first.
 */
import { type RequestCommand, specText } from '../../bot/core/commands/command.ts';
import { formatDuration, parseDuration } from '../../bot/core/domain/duration.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';

export interface FormFields {
  readonly roles: string[];
  readonly duration: string | null;
  readonly start: string | null;
  readonly ticket: string | null;
  readonly reason: string;
}

export function formFields(command: RequestCommand): FormFields {
  return {
    roles: command.targets.map(specText),
    duration: command.durationSeconds === null ? null : formatDuration(command.durationSeconds),
    start: command.startAt === null ? null : new Date(command.startAt).toISOString(),
    ticket: command.ticket,
    reason: command.reason,
  };
}

/** The command text for the filled-in form, or errors keyed by field name (`roles`, `ticket`, …). */
export function requestFromFields(fields: FormFields): Result<string, Record<string, string>> {
  const text = (v: string | null) => v?.trim() ?? '';
  const roles = fields.roles;
  const duration = text(fields.duration);
  const start = text(fields.start);
  const ticket = text(fields.ticket);
  const reason = text(fields.reason);
  const errors: Record<string, string> = {};
  if (roles.length === 0) errors.roles = 'Pick at least one role.';
  if (parseDuration(duration) === null)
    errors.duration = 'Use a duration such as 30m, 2h, 1h30m or PT2H.';
  if (ticket !== '' && !/^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/.test(ticket))
    errors.ticket = 'Letters, digits and - only, e.g. INC-4711.';
  if (reason === '') errors.reason = 'Say what you will do and why.';
  if (Object.keys(errors).length > 0) return err(errors);
  const parts = [roles.join(', '), duration];
  if (start !== '') parts.push(/^in\s/i.test(start) ? start : `at ${start.replace(/^at\s+/i, '')}`);
  if (ticket !== '') parts.push('ticket', ticket);
  parts.push('--', reason);
  return ok(parts.join(' '));
}
