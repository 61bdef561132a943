/**
 * The Slack request modal's submitted view state, read into the shared form fields. Each
 * block holds one input; its block id names the field.
 */
import type { Result } from '../../bot/core/result.ts';
import { requestFromFields } from '../chat/request-form.ts';

interface InputState {
  readonly value?: string | null;
  readonly selected_options?: readonly { readonly value: string }[] | null;
}
type ViewValues = Readonly<Record<string, Readonly<Record<string, InputState>>>>;

const field = (values: ViewValues, block: string): InputState | undefined =>
  Object.values(values[block] ?? {})[0];
const text = (values: ViewValues, block: string): string | null =>
  field(values, block)?.value ?? null;

/** The command text for the modal, or errors keyed by block id. */
export function requestFromForm(values: ViewValues): Result<string, Record<string, string>> {
  return requestFromFields({
    roles: (field(values, 'roles')?.selected_options ?? []).map((o) => o.value),
    duration: text(values, 'duration'),
    start: text(values, 'start'),
    ticket: text(values, 'ticket'),
    reason: text(values, 'reason') ?? '',
  });
}
