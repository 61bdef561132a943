/**
 * From targets as typed to targets PIM knows, looked up among the requester's eligibilities:
 * a directory role from the catalogue at the request's directory scope; a PIM group by name
 * (or a policy.yaml alias) with the access asked for; an Azure role by name at a scope given by
 * full id or by the name of an eligible scope or of a scope under one (narrower is allowed,
 * anything outside is refused with the eligible scopes listed).
 */
import type { TargetSpec } from '../commands/command.ts';
import { findRole, normalizeName } from '../commands/role-match.ts';
import type { Policy, RoleOverride } from '../domain/policy.ts';
import { type RoleEntry, scopeCovers, type Target, targetLabel } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import type { Eligibility, PrivilegeProvider } from '../ports/privilege-provider.ts';
import { err, ok, type Result } from '../result.ts';

export async function resolveTargets(
  specs: readonly TargetSpec[],
  context: {
    readonly scope: string;
    readonly eligible: readonly Eligibility[];
    readonly policy: Policy;
    readonly privileges: PrivilegeProvider;
  },
): Promise<Result<Target[], AppError>> {
  const targets: Target[] = [];
  for (const spec of specs) {
    const target =
      spec.kind === 'directory_role'
        ? ok<Target>({
            kind: 'directory_role',
            id: spec.role.id,
            name: spec.role.name,
            scope: context.scope,
          })
        : spec.kind === 'group'
          ? groupTarget(spec, context.eligible, context.policy.groups)
          : await azureTarget(spec, context.eligible, context.privileges);
    if (!target.ok) return target;
    targets.push(target.value);
  }
  return ok(targets);
}

/** Names (and policy.yaml aliases) as catalogue entries, so typing works as for roles. */
function entries(
  held: readonly Target[],
  section: ReadonlyMap<string, RoleOverride> | undefined,
): RoleEntry[] {
  return held.map((t) => ({
    kind: t.kind,
    id: t.id,
    name: t.name,
    aliases:
      [...(section ?? [])].find(([name]) => normalizeName(name) === normalizeName(t.name))?.[1]
        .aliases ?? [],
  }));
}

function groupTarget(
  spec: Extract<TargetSpec, { kind: 'group' }>,
  eligible: readonly Eligibility[],
  section: ReadonlyMap<string, RoleOverride> | undefined,
): Result<Target, AppError> {
  const groups = eligible.map((e) => e.target).filter((t) => t.kind === 'group');
  const found = findRole(spec.name, entries(groups, section));
  const names = [...new Set(groups.map((g) => g.name))].sort((a, b) => a.localeCompare(b));
  if (found.kind !== 'one') {
    if (found.kind === 'many')
      return err(
        appError('command.ambiguous_role', {
          name: spec.name,
          matches: [...new Set(found.roles.map((r) => r.name))],
        }),
      );
    return err(appError('policy.no_such_group', { name: spec.name, groups: names }));
  }
  const same = groups.filter((g) => g.id === found.role.id);
  const held = same.find((g) => (g.access ?? 'member') === spec.access);
  if (held) return ok(held);
  return err(
    appError('policy.group_access', {
      group: found.role.name,
      access: spec.access,
      held: same[0]?.access ?? 'member',
    }),
  );
}

async function azureTarget(
  spec: Extract<TargetSpec, { kind: 'azure_role' }>,
  eligible: readonly Eligibility[],
  privileges: PrivilegeProvider,
): Promise<Result<Target, AppError>> {
  const held = eligible.map((e) => e.target).filter((t) => t.kind === 'azure_role');
  const byName = new Map<string, RoleEntry>();
  for (const t of held)
    byName.set(normalizeName(t.name), { kind: t.kind, id: t.name, name: t.name, aliases: [] });
  const found = findRole(spec.name, [...byName.values()]);
  if (found.kind !== 'one') {
    const roles = [...byName.values()].map((r) => r.name).sort((a, b) => a.localeCompare(b));
    return err(
      found.kind === 'many'
        ? appError('command.ambiguous_role', {
            name: spec.name,
            matches: found.roles.map((r) => r.name),
          })
        : appError('policy.no_such_azure_role', { name: spec.name, roles }),
    );
  }
  const scopes = held.filter((t) => t.name === found.role.name);
  const at = await scopeOf(spec.on, scopes, privileges);
  if (at.kind === 'one') return ok(at.target);
  return err(
    at.kind === 'many'
      ? appError('policy.ambiguous_scope', {
          role: found.role.name,
          on: spec.on,
          matches: at.matches,
        })
      : appError('policy.outside_scope', {
          role: found.role.name,
          on: spec.on,
          scopes: scopes.map((t) => `${t.scopeName ?? t.scope} (${t.scope})`),
        }),
  );
}

export type ScopeLookup =
  | { readonly kind: 'one'; readonly target: Target }
  | { readonly kind: 'many'; readonly matches: readonly string[] }
  | { readonly kind: 'none' };

/**
 * The eligible target narrowed to `on`: an ARM id under it, or a scope named `on` (one of
 * theirs, or a resource group or resource below one).
 */
export async function scopeOf(
  on: string,
  eligible: readonly Target[],
  privileges: PrivilegeProvider,
): Promise<ScopeLookup> {
  const narrowed = (base: Target, scope: string, scopeName?: string): Target =>
    scope.toLowerCase() === base.scope.toLowerCase()
      ? base
      : { ...base, scope, scopeName: scopeName ?? lastName(scope) };
  if (on.startsWith('/')) {
    const scope = on.replace(/\/+$/, '');
    const base = widest(eligible.filter((t) => scopeCovers(t.scope, scope)));
    return base
      ? {
          kind: 'one',
          target: narrowed(base, base.scope.length === scope.length ? base.scope : scope),
        }
      : { kind: 'none' };
  }
  const wanted = normalizeName(on);
  const named = eligible.filter(
    (t) =>
      normalizeName(t.scopeName ?? '') === wanted || normalizeName(lastName(t.scope)) === wanted,
  );
  if (named.length === 1 && named[0]) return { kind: 'one', target: named[0] };
  if (named.length > 1)
    return { kind: 'many', matches: named.map((t) => `${targetLabel(t)} (${t.scope})`) };
  const below =
    (await privileges.findScopes?.(
      on,
      eligible.map((t) => t.scope),
    )) ?? [];
  const inside = below.flatMap((s) => {
    const base = widest(eligible.filter((t) => scopeCovers(t.scope, s.scope)));
    return base ? [narrowed(base, s.scope, s.name)] : [];
  });
  if (inside.length === 1 && inside[0]) return { kind: 'one', target: inside[0] };
  if (inside.length > 1) return { kind: 'many', matches: inside.map((t) => t.scope) };
  return { kind: 'none' };
}

/** Of several eligibilities covering a scope, the widest: it lasts no shorter, usually. */
const widest = (targets: readonly Target[]): Target | undefined =>
  [...targets].sort((a, b) => a.scope.length - b.scope.length)[0];

export const lastName = (scope: string): string => scope.split('/').filter(Boolean).pop() ?? scope;

/** Whether a granted target is the one `spec` names (`deactivate group Payments Oncall`). */
export function specMatches(spec: TargetSpec, target: Target): boolean {
  if (spec.kind !== target.kind) return false;
  if (spec.kind === 'directory_role') return spec.role.id === target.id;
  const entry: RoleEntry = { kind: target.kind, id: target.id, name: target.name, aliases: [] };
  if (findRole(spec.name, [entry]).kind !== 'one') return false;
  if (spec.kind === 'group') return (target.access ?? 'member') === spec.access;
  const on = normalizeName(spec.on);
  return [target.scope, target.scopeName ?? '', lastName(target.scope)].some(
    (n) => normalizeName(n) === on,
  );
}
