/**
 * The `on <scope>` and `ticket <id>` options. A word after `on` that does not look like a scope
 * at all (`2h on call for INC-1`) begins the reason; one that looks like a scope but is not
 * valid is an error, so a mistyped scope never silently widens to the whole directory.
 */
import { DIRECTORY_SCOPE } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

const SEGMENT = '[A-Za-z0-9._()-]+';
const SCOPES = [
  /^\/administrativeUnits\/[A-Za-z0-9-]+$/i,
  new RegExp(`^/subscriptions/[A-Za-z0-9-]+(?:/${SEGMENT})*$`, 'i'),
  new RegExp(`^/providers/Microsoft\\.Management/managementGroups/${SEGMENT}$`, 'i'),
];
const SCOPE_WORD = /^(?:subscriptions|administrativeunits|providers|managementgroups)\b/i;
const TICKET = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;

/** null: `text` does not look like a scope, so `on` begins the reason. */
export function parseScope(text: string): Result<string, AppError> | null {
  if (!text.includes('/') && !SCOPE_WORD.test(text)) return null;
  const scope = text === DIRECTORY_SCOPE ? text : text.replace(/\/+$/, '');
  if (scope === DIRECTORY_SCOPE || SCOPES.some((re) => re.test(scope))) return ok(scope);
  return err(appError('command.bad_scope', { text }));
}

export function parseTicket(text: string): Result<string, AppError> {
  return TICKET.test(text) ? ok(text) : err(appError('command.bad_ticket', { text }));
}
