/**
 * Who is eligible for a target (`/elevate whocan`), as Graph lists it by target: every current
 * eligibility instance of a directory role (`roleEligibilityScheduleInstances?$filter=
 * roleDefinitionId eq '…'`) or of a PIM group with the access asked about
 * (`privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq '…'`). An
 * eligibility held by a group is listed as the group: its members are not expanded here.
 * Also the groups a whocan names, found by display name or id, whoever asks.
 */
import type { Target } from '../../bot/core/domain/target.ts';
import type { EligiblePrincipal, NamedTarget } from '../../bot/core/ports/privilege-provider.ts';
import { current, endOf, ROLE_MANAGEMENT, type ScheduleInstance } from './graph-types.ts';
import { type GroupInstance, isFor, PIM_GROUPS } from './group-types.ts';
import { type GraphReader, literal, segment } from './reader.ts';

/** Directory roles write `Group`, PIM for Groups `group`. */
const heldBy = (memberType: string | null | undefined): EligiblePrincipal['type'] =>
  memberType?.toLowerCase() === 'group' ? 'group' : 'user';

export async function eligibleForRole(
  reader: GraphReader,
  target: Target,
  now: number,
): Promise<EligiblePrincipal[]> {
  if (target.kind !== 'directory_role') return [];
  const instances = await reader.list<ScheduleInstance>(
    `${ROLE_MANAGEMENT}/roleEligibilityScheduleInstances`,
    'eligibility',
    { filter: `roleDefinitionId eq ${literal(target.id)}` },
  );
  return instances
    .filter((i) => current(i, now))
    .map((i) => ({
      principalId: i.principalId,
      type: heldBy(i.memberType),
      scope: i.directoryScopeId || '/',
      endsAt: endOf(i),
    }));
}

/** Membership and ownership are two targets: only the instances of the access asked about. */
export async function eligibleForGroup(
  reader: GraphReader,
  target: Target,
  now: number,
): Promise<EligiblePrincipal[]> {
  if (target.kind !== 'group') return [];
  const instances = await reader.list<GroupInstance>(
    `${PIM_GROUPS}/eligibilityScheduleInstances`,
    'groupEligibility',
    { filter: `groupId eq ${literal(target.id)}` },
  );
  return instances
    .filter((i) => isFor(i, target) && current(i, now))
    .map((i) => ({
      principalId: i.principalId,
      type: heldBy(i.memberType),
      scope: '/',
      endsAt: endOf(i),
    }));
}

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The groups called `name` (Graph compares display names in any case), or the group with
 * that object id. Display names are not unique in Entra: several may come back.
 */
export async function groupsNamed(reader: GraphReader, name: string): Promise<NamedTarget[]> {
  const select = 'id,displayName';
  if (OBJECT_ID.test(name)) {
    const g = await reader.get<{ id: string; displayName: string }>(
      `/groups/${segment(name)}`,
      'groups',
      { select },
    );
    return g ? [{ id: g.id, name: g.displayName }] : [];
  }
  const found = await reader.list<{ id: string; displayName: string }>('/groups', 'groups', {
    filter: `displayName eq ${literal(name)}`,
    select,
  });
  return found.map((g) => ({ id: g.id, name: g.displayName }));
}
