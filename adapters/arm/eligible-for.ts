/**
 * Who is eligible for an Azure role at a scope (`/elevate whocan`): ARM's
 * `roleEligibilityScheduleInstances?$filter=atScope()` at the target's scope lists everybody's
 * eligibility at that scope and above it (an eligibility on the subscription covers its
 * resource groups), of every role; the role's own are kept, each with the scope it is at.
 * Also the role definitions a whocan names, found by name at the scope, whoever asks.
 */
import type { Target } from '../../bot/core/domain/target.ts';
import type { EligiblePrincipal, NamedTarget } from '../../bot/core/ports/privilege-provider.ts';
import { literal } from '../graph/reader.ts';
import {
  type ArmInstance,
  type ArmRoleDefinition,
  current,
  sameRoleDefinition,
  timeOf,
} from './arm-types.ts';
import type { ArmClient } from './client.ts';
import { readOrThrow } from './reads.ts';

export async function eligibleAtScope(
  client: ArmClient,
  target: Target,
  now: number,
): Promise<EligiblePrincipal[]> {
  if (target.kind !== 'azure_role') return [];
  const url = client.url(target.scope, 'roleEligibilityScheduleInstances');
  url.searchParams.set('$filter', 'atScope()');
  const all = readOrThrow(await client.list<ArmInstance>(url), 'eligibility', target.scope);
  return all
    .filter((i) => sameRoleDefinition(i.properties.roleDefinitionId, target.id) && current(i, now))
    .map((i) => {
      const p = i.properties;
      const scopeName = p.expandedProperties?.scope?.displayName;
      return {
        principalId: p.principalId,
        type: p.principalType?.toLowerCase() === 'group' ? 'group' : 'user',
        scope: p.scope,
        ...(scopeName ? { scopeName } : {}),
        endsAt: timeOf(p.endDateTime),
      };
    });
}

/** Role definitions called `name` assignable at `scope`, by ARM's `roleName eq` filter. */
export async function rolesNamed(
  client: ArmClient,
  name: string,
  scope: string,
): Promise<NamedTarget[]> {
  const url = client.roleDefinitionsUrl(scope);
  url.searchParams.set('$filter', `roleName eq ${literal(name)}`);
  const found = readOrThrow(await client.list<ArmRoleDefinition>(url), 'roles', scope);
  return found.map((d) => ({ id: d.id, name: d.properties.roleName }));
}
