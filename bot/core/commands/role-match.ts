/**
 * Resolving a typed role name against the catalogue: exact name, then alias, then unique
 * prefix (of the whole name, or word by word: `exch admin` → `Exchange Administrator`), all
 * case-insensitive. Exact matches win over prefixes so a full name always resolves to its role.
 */
import { distance } from 'fastest-levenshtein';
import type { RoleEntry } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

export type RoleLookup =
  | { readonly kind: 'one'; readonly role: RoleEntry }
  | { readonly kind: 'many'; readonly roles: readonly RoleEntry[] }
  | { readonly kind: 'none' };

/** A single letter would grab whichever role happens to be alone with it. */
const MIN_PREFIX = 2;
const MAX_SUGGESTIONS = 3;
const MAX_LISTED = 6;
/** Role names are a few words; comparing more of a long text only costs time. */
const MAX_COMPARED_WORDS = 8;
const MAX_SHOWN_NAME = 60;

export const normalizeName = (text: string): string =>
  text.toLowerCase().trim().split(/\s+/).join(' ');

const keysOf = (role: RoleEntry): string[] => [role.name, ...role.aliases].map(normalizeName);

function wordPrefix(query: string, key: string): boolean {
  const q = query.split(' ');
  const k = key.split(' ');
  return q.length <= k.length && q.every((word, i) => k[i]?.startsWith(word) === true);
}

/** A role's identity: a group's member and owner roles share the group id. */
export const roleKey = (role: RoleEntry): string => `${role.kind}:${role.id}`;

function unique(roles: readonly RoleEntry[]): RoleEntry[] {
  const seen = new Set<string>();
  return roles.filter((r) => {
    const id = roleKey(r);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function lookup(found: readonly RoleEntry[]): RoleLookup | null {
  const roles = unique(found);
  const [first] = roles;
  if (first === undefined) return null;
  return roles.length === 1 ? { kind: 'one', role: first } : { kind: 'many', roles };
}

/** The cheap search, without building errors: the role-list scanner calls it many times. */
export function findRole(name: string, roles: readonly RoleEntry[]): RoleLookup {
  const q = normalizeName(name);
  if (q === '') return { kind: 'none' };
  const byName = lookup(roles.filter((r) => normalizeName(r.name) === q));
  if (byName) return byName;
  const byAlias = lookup(roles.filter((r) => r.aliases.some((a) => normalizeName(a) === q)));
  if (byAlias) return byAlias;
  if (q.length < MIN_PREFIX) return { kind: 'none' };
  const isPrefix = (k: string): boolean => k.startsWith(q) || wordPrefix(q, k);
  return lookup(roles.filter((r) => keysOf(r).some(isPrefix))) ?? { kind: 'none' };
}

/** Like findRole, but a failure is the catalogue error the user reads. */
export function matchRole(name: string, roles: readonly RoleEntry[]): Result<RoleEntry, AppError> {
  const found = findRole(name, roles);
  return found.kind === 'one' ? ok(found.role) : err(roleError(name, found, roles));
}

export function roleError(name: string, found: RoleLookup, roles: readonly RoleEntry[]): AppError {
  const collapsed = name.trim().split(/\s+/).join(' ');
  const typed =
    collapsed.length > MAX_SHOWN_NAME ? `${collapsed.slice(0, MAX_SHOWN_NAME)}…` : collapsed;
  if (found.kind === 'many') {
    const matches = found.roles.map((r) => r.name).sort((a, b) => a.localeCompare(b));
    return appError('command.ambiguous_role', {
      name: typed,
      matches: matches.slice(0, MAX_LISTED),
    });
  }
  return appError('command.unknown_role', { name: typed, suggestions: suggest(collapsed, roles) });
}

/**
 * Up to three role names close to what was typed. Compares against whole names and against
 * the start of each name, so a typo in the first word (`exchnage`) still finds its role.
 */
export function suggest(name: string, roles: readonly RoleEntry[]): string[] {
  const q = normalizeName(name);
  const scored = roles.flatMap((role) => {
    const best = Math.min(...keysOf(role).map((key) => closeness(q, key)));
    return Number.isFinite(best) ? [{ name: role.name, score: best }] : [];
  });
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return [...new Set(scored.map((s) => s.name))].slice(0, MAX_SUGGESTIONS);
}

/** Edit distance if it is small for the length compared (a third), else Infinity. */
function closeness(query: string, key: string): number {
  const words = query.split(' ').slice(0, MAX_COMPARED_WORDS);
  const candidates = words.map((_, i) => words.slice(0, i + 1).join(' '));
  let best = Number.POSITIVE_INFINITY;
  for (const typed of candidates) {
    if (typed.length < 4) continue;
    for (const target of [key, key.slice(0, typed.length)]) {
      const d = distance(typed, target);
      if (d <= Math.max(1, Math.floor(Math.max(typed.length, target.length) / 3))) {
        best = Math.min(best, d);
      }
    }
  }
  return best;
}
