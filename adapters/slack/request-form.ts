/**
 * The request modal: prefilled from what was typed, and read back into command text so the
 * same parser and policy checks apply. Problems the form itself can show are returned per
 * field (Slack draws them under the input); policy problems come back as a message.
 */
import type { RequestCommand } from '../../bot/core/commands/command.ts';
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
    roles: command.roles.map((r) => r.name),
    duration: command.durationSeconds === null ? null : formatDuration(command.durationSeconds),
    start: command.startAt === null ? null : new Date(command.startAt).toISOString(),
    ticket: command.ticket,
    reason: command.reason,
  };
}

interface InputState {
  readonly value?: string | null;
  readonly selected_options?: readonly { readonly value: string }[] | null;
}
type ViewValues = Readonly<Record<string, Readonly<Record<string, InputState>>>>;

const field = (values: ViewValues, block: string): InputState | undefined =>
  Object.values(values[block] ?? {})[0];
const text = (values: ViewValues, block: string): string =>
  field(values, block)?.value?.trim() ?? '';

/** The command text for the form, or errors keyed by block id. */
export function requestFromForm(values: ViewValues): Result<string, Record<string, string>> {
  const roles = (field(values, 'roles')?.selected_options ?? []).map((o) => o.value);
  const duration = text(values, 'duration');
  const start = text(values, 'start');
  const ticket = text(values, 'ticket');
  const reason = text(values, 'reason');
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
