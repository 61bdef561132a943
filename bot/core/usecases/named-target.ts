/**
 * A target named without a requester, looked up tenant-wide: what whocan asks about (its
 * askers are approvers and auditors, not necessarily eligible themselves) and what
 * reviews.targets lists. A group or Azure role is not looked up among someone's
 * eligibilities (as a request's are, resolve-targets.ts) but in Entra and Azure:
 * a group by its display name or object id; an Azure role by name at a scope inside policy
 * `azure.scopes`, the scope given as for a request (a full id, or the name of a resource group
 * inside a configured scope). A name policy.yaml gives an alias of (`groups:`, `azureRoles:`)
 * is looked up by the name policy.yaml writes.
 */
import type { TargetSpec } from '../commands/command.ts';
import { normalizeName } from '../commands/role-match.ts';
import type { RoleOverride } from '../domain/policy.ts';
import { DIRECTORY_SCOPE, type Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { lastName, scopeOf } from './resolve-targets.ts';

export async function namedTarget(
  deps: CoreDeps,
  spec: TargetSpec,
): Promise<Result<Target, AppError>> {
  if (spec.kind === 'directory_role')
    return ok({
      kind: 'directory_role',
      id: spec.role.id,
      name: spec.role.name,
      scope: DIRECTORY_SCOPE,
    });
  return spec.kind === 'group' ? groupNamed(deps, spec) : azureRoleAt(deps, spec);
}

async function groupNamed(
  deps: CoreDeps,
  spec: Extract<TargetSpec, { kind: 'group' }>,
): Promise<Result<Target, AppError>> {
  const found = await deps.privileges.groupsNamed?.(policyName(spec.name, deps.policy().groups));
  if (found === undefined) return err(appError('policy.kind_not_configured', { kind: 'group' }));
  const [group, ...more] = found;
  if (group === undefined) return err(appError('whocan.no_such_group', { name: spec.name }));
  if (more.length > 0)
    return err(
      appError('whocan.ambiguous_group', { name: spec.name, ids: found.map((g) => g.id) }),
    );
  return ok({ kind: 'group', id: group.id, name: group.name, scope: '/', access: spec.access });
}

async function azureRoleAt(
  deps: CoreDeps,
  spec: Extract<TargetSpec, { kind: 'azure_role' }>,
): Promise<Result<Target, AppError>> {
  const policy = deps.policy();
  const scopes = policy.azure?.scopes ?? [];
  if (scopes.length === 0 || !deps.privileges.azureRolesNamed)
    return err(appError('policy.kind_not_configured', { kind: 'azure_role' }));
  // The configured scopes stand where a request has the asker's eligible ones.
  const within = scopes.map(
    (scope): Target => ({
      kind: 'azure_role',
      id: '',
      name: spec.name,
      scope,
      scopeName: lastName(scope),
    }),
  );
  const at = await scopeOf(spec.on, within, deps.privileges);
  if (at.kind === 'none')
    return err(appError('whocan.outside_azure_scopes', { on: spec.on, scopes: [...scopes] }));
  if (at.kind === 'many')
    return err(
      appError('policy.ambiguous_scope', { role: spec.name, on: spec.on, matches: at.matches }),
    );
  const { scope, scopeName } = at.target;
  const [role] = await deps.privileges.azureRolesNamed(
    policyName(spec.name, policy.azureRoles),
    scope,
  );
  if (role === undefined)
    return err(appError('whocan.no_such_azure_role', { name: spec.name, scope }));
  return ok({
    kind: 'azure_role',
    id: role.id,
    name: role.name,
    scope,
    ...(scopeName ? { scopeName } : {}),
  });
}

/** The name policy.yaml writes for `typed` when it is that name or one of its aliases; else `typed`. */
function policyName(typed: string, section: ReadonlyMap<string, RoleOverride> | undefined): string {
  const wanted = normalizeName(typed);
  for (const [name, entry] of section ?? [])
    if ([name, ...entry.aliases].some((n) => normalizeName(n) === wanted)) return name;
  return typed.trim();
}
