/**
 * The target part of a request: one or more targets separated by commas. A target is a
 * directory role from the catalogue, `group <name> [member|owner]`, or `<Azure role> on <scope>`.
 * With a duration the target part is exactly the text before it; without one, the targets are
 * the longest leading run of words that names a role, and what follows is options and reason
 * (a group or an Azure role without a duration takes the rest of its segment).
 */
import type { RoleEntry } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { OPTION_WORDS, specText, type TargetSpec } from './command.ts';
import { findRole, matchRole, normalizeName, roleError, roleKey } from './role-match.ts';

const GROUP_WORD = 'group';
const SCOPE_WORD = 'on';

/** Every target in `text` (comma-separated) must parse; used when a duration ends the list. */
export function parseRoleList(
  text: string,
  catalogue: readonly RoleEntry[],
): Result<TargetSpec[], AppError> {
  const specs: TargetSpec[] = [];
  for (const segment of text.split(',')) {
    if (segment.trim() === '') continue;
    const spec = otherKind(segment, catalogue) ?? directoryRole(segment, catalogue);
    if (!spec.ok) return spec;
    specs.push(spec.value);
  }
  return noDuplicates(specs);
}

export interface LeadingRoles {
  readonly targets: TargetSpec[];
  /** The words after the targets. */
  readonly rest: string[];
}

/**
 * Targets at the start of `words` when no duration marks where they end. A comma-separated
 * name is taken whole; the last name is the longest run of words that resolves (`exchange
 * fixing mail` → `exchange`). A run never reaches past an option word, so `… at 14:00` stays
 * an option.
 */
export function leadingRoles(
  words: readonly string[],
  catalogue: readonly RoleEntry[],
): Result<LeadingRoles, AppError> {
  const longest = Math.max(1, ...catalogue.flatMap(wordCounts));
  const specs: TargetSpec[] = [];
  let text = words.join(' ');
  while (text !== '') {
    const comma = text.indexOf(',');
    const segment = (comma < 0 ? text : text.slice(0, comma)).trim();
    // The last segment of a group or an Azure role ends at the first option word after it.
    const last = comma < 0 ? openEnded(segment, catalogue) : null;
    if (last) {
      if (!last.spec.ok) return last.spec;
      specs.push(last.spec.value);
      return withDuplicatesChecked(specs, last.rest);
    }
    const other = comma < 0 ? null : otherKind(segment, catalogue);
    const whole = other ? null : findRole(segment, catalogue);
    if (other || whole?.kind === 'one' || segment === '') {
      if (other && !other.ok) return other;
      if (other?.ok) specs.push(other.value);
      else if (whole?.kind === 'one') specs.push({ kind: 'directory_role', role: whole.role });
      text = comma < 0 ? '' : text.slice(comma + 1).trim();
      continue;
    }
    const segmentWords = segment.split(' ');
    const limit = Math.min(segmentWords.length - 1, longest, firstOptionWord(segmentWords));
    for (let n = limit; n >= 1; n -= 1) {
      const found = findRole(segmentWords.slice(0, n).join(' '), catalogue);
      if (found.kind === 'one') {
        specs.push({ kind: 'directory_role', role: found.role });
        const rest = text.slice(segmentWords.slice(0, n).join(' ').length).trim();
        return withDuplicatesChecked(specs, rest === '' ? [] : rest.split(' '));
      }
      if (found.kind === 'many') {
        return err(roleError(segmentWords.slice(0, n).join(' '), found, catalogue));
      }
    }
    if (whole?.kind === 'many') return err(roleError(segment, whole, catalogue));
    return err(
      roleError(segmentWords.slice(0, longest).join(' '), whole ?? { kind: 'none' }, catalogue),
    );
  }
  return withDuplicatesChecked(specs, []);
}

/**
 * `group <name> [member|owner]` or `<role> on <scope>`; null when the segment is neither (a
 * directory role). Their names are looked up at submit, among the person's eligibilities.
 */
function otherKind(
  segment: string,
  catalogue: readonly RoleEntry[],
): Result<TargetSpec, AppError> | null {
  const words = segment.trim().split(/\s+/);
  if (words[0]?.toLowerCase() === GROUP_WORD) {
    const rest = words.slice(1);
    const last = rest.at(-1)?.toLowerCase();
    const access = last === 'owner' || last === 'member' ? last : null;
    const name = (access ? rest.slice(0, -1) : rest).join(' ');
    if (name === '') return err(appError('command.group_name_missing'));
    return ok({ kind: 'group', name, access: access ?? 'member' });
  }
  const on = azureOn(words, catalogue);
  if (on < 0) return null;
  const name = words.slice(0, on).join(' ');
  const scope = words.slice(on + 1).join(' ');
  if (scope === '') return err(appError('command.scope_missing', { role: name }));
  return ok({ kind: 'azure_role', name, on: scope });
}

/** A trailing `group …` or `… on …` segment up to the first option word after its name. */
function openEnded(
  segment: string,
  catalogue: readonly RoleEntry[],
): { readonly spec: Result<TargetSpec, AppError>; readonly rest: string[] } | null {
  const words = segment.split(/\s+/).filter((w) => w !== '');
  const isGroup = words[0]?.toLowerCase() === GROUP_WORD;
  const on = isGroup ? -1 : azureOn(words, catalogue);
  if (!isGroup && on < 0) return null;
  const from = isGroup ? 1 : on + 2;
  const tail = words.slice(from);
  const stop = tail.findIndex((w) => OPTION_WORDS.has(w.toLowerCase()));
  const end = stop < 0 ? words.length : from + stop;
  const spec = otherKind(words.slice(0, end).join(' '), catalogue);
  return spec ? { spec, rest: words.slice(end) } : null;
}

/**
 * Where `on` makes `<name> on <scope>` an Azure role: not when the name is a directory role
 * (its `on` is the administrative-unit option) or the scope an administrative unit. -1: none.
 */
function azureOn(words: readonly string[], catalogue: readonly RoleEntry[]): number {
  const on = words.findIndex((w, i) => i > 0 && w.toLowerCase() === SCOPE_WORD);
  if (on < 0) return -1;
  if (/^\/administrativeUnits\//i.test(words[on + 1] ?? '')) return -1;
  // `… at 14:00 on …`: the `on` belongs to the options, not to a name.
  if (words.slice(1, on).some((w) => OPTION_WORDS.has(w.toLowerCase()))) return -1;
  const name = normalizeName(words.slice(0, on).join(' '));
  const known = catalogue.some((r) =>
    [r.name, ...r.aliases].some((n) => normalizeName(n) === name),
  );
  return known ? -1 : on;
}

function directoryRole(
  segment: string,
  catalogue: readonly RoleEntry[],
): Result<TargetSpec, AppError> {
  const role = matchRole(segment, catalogue);
  return role.ok ? ok({ kind: 'directory_role', role: role.value }) : role;
}

function withDuplicatesChecked(
  specs: TargetSpec[],
  rest: string[],
): Result<LeadingRoles, AppError> {
  const checked = noDuplicates(specs);
  return checked.ok ? ok({ targets: checked.value, rest }) : checked;
}

const specKey = (spec: TargetSpec): string =>
  spec.kind === 'directory_role' ? roleKey(spec.role) : normalizeName(specText(spec));

function noDuplicates(specs: TargetSpec[]): Result<TargetSpec[], AppError> {
  const seen = new Set<string>();
  for (const spec of specs) {
    const id = specKey(spec);
    if (seen.has(id)) return err(appError('command.duplicate_role', { role: specText(spec) }));
    seen.add(id);
  }
  return ok(specs);
}

const wordCounts = (role: RoleEntry): number[] =>
  [role.name, ...role.aliases].map((n) => n.trim().split(/\s+/).length);

function firstOptionWord(words: readonly string[]): number {
  const i = words.findIndex((w, index) => index > 0 && OPTION_WORDS.has(w.toLowerCase()));
  return i < 0 ? words.length : i;
}
