/**
 * The role part of a request: one or more role names separated by commas. With a duration the
 * role part is exactly the text before it; without one, the roles are the longest leading run
 * of words that names a role, and what follows is options and reason.
 */
import type { RoleEntry } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { OPTION_WORDS } from './command.ts';
import { findRole, matchRole, roleError, roleKey } from './role-match.ts';

/** Every name in `text` (comma-separated) must resolve; used when a duration ends the list. */
export function parseRoleList(
  text: string,
  catalogue: readonly RoleEntry[],
): Result<RoleEntry[], AppError> {
  const roles: RoleEntry[] = [];
  for (const name of text.split(',')) {
    if (name.trim() === '') continue;
    const role = matchRole(name, catalogue);
    if (!role.ok) return role;
    roles.push(role.value);
  }
  return noDuplicates(roles);
}

export interface LeadingRoles {
  readonly roles: RoleEntry[];
  /** The words after the roles. */
  readonly rest: string[];
}

/**
 * Roles at the start of `words` when no duration marks where they end. A comma-separated name
 * is taken whole; the last name is the longest run of words that resolves (`exchange fixing
 * mail` → `exchange`). A run never reaches past an option word, so `… at 14:00` stays an option.
 */
export function leadingRoles(
  words: readonly string[],
  catalogue: readonly RoleEntry[],
): Result<LeadingRoles, AppError> {
  const longest = Math.max(1, ...catalogue.flatMap(wordCounts));
  const roles: RoleEntry[] = [];
  let text = words.join(' ');
  while (text !== '') {
    const comma = text.indexOf(',');
    const segment = (comma < 0 ? text : text.slice(0, comma)).trim();
    const whole = findRole(segment, catalogue);
    if (whole.kind === 'one' || segment === '') {
      if (whole.kind === 'one') roles.push(whole.role);
      text = comma < 0 ? '' : text.slice(comma + 1).trim();
      continue;
    }
    const segmentWords = segment.split(' ');
    const limit = Math.min(segmentWords.length - 1, longest, firstOptionWord(segmentWords));
    for (let n = limit; n >= 1; n -= 1) {
      const found = findRole(segmentWords.slice(0, n).join(' '), catalogue);
      if (found.kind === 'one') {
        roles.push(found.role);
        const rest = text.slice(segmentWords.slice(0, n).join(' ').length).trim();
        return withDuplicatesChecked(roles, rest === '' ? [] : rest.split(' '));
      }
      if (found.kind === 'many') {
        return err(roleError(segmentWords.slice(0, n).join(' '), found, catalogue));
      }
    }
    if (whole.kind === 'many') return err(roleError(segment, whole, catalogue));
    return err(roleError(segmentWords.slice(0, longest).join(' '), whole, catalogue));
  }
  return withDuplicatesChecked(roles, []);
}

function withDuplicatesChecked(roles: RoleEntry[], rest: string[]): Result<LeadingRoles, AppError> {
  const checked = noDuplicates(roles);
  return checked.ok ? ok({ roles: checked.value, rest }) : checked;
}

function noDuplicates(roles: RoleEntry[]): Result<RoleEntry[], AppError> {
  const seen = new Set<string>();
  for (const role of roles) {
    const id = roleKey(role);
    if (seen.has(id)) return err(appError('command.duplicate_role', { role: role.name }));
    seen.add(id);
  }
  return ok(roles);
}

const wordCounts = (role: RoleEntry): number[] =>
  [role.name, ...role.aliases].map((n) => n.trim().split(/\s+/).length);

function firstOptionWord(words: readonly string[]): number {
  const i = words.findIndex((w, index) => index > 0 && OPTION_WORDS.has(w.toLowerCase()));
  return i < 0 ? words.length : i;
}
