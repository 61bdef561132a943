/**
 * Who holds directory roles, in the core's shapes: assignment instances as ActiveAssignment,
 * standing assignments (the "assigned outside PIM" alert) and the members of a role.
 */
import type { RoleEntry, Target } from '../../bot/core/domain/target.ts';
import type { ActiveAssignment } from '../../bot/core/ports/privilege-provider.ts';
import { isStanding } from './assignments.ts';
import { current, endOf, ROLE_MANAGEMENT, type ScheduleInstance } from './graph-types.ts';
import { type GraphReader, literal, segment } from './reader.ts';

export interface RoleMember {
  readonly id: string;
  readonly displayName: string | null;
  /** `user`, `group` or `servicePrincipal`. */
  readonly type: string;
}

/** The target an instance is for, named from the role list (the id when it is not there). */
export function targetOf(i: ScheduleInstance, roles: readonly RoleEntry[]): Target {
  return {
    kind: 'directory_role',
    id: i.roleDefinitionId,
    name: roles.find((r) => r.id === i.roleDefinitionId)?.name ?? i.roleDefinitionId,
    scope: i.directoryScopeId,
  };
}

export function assignmentOf(i: ScheduleInstance, roles: readonly RoleEntry[]): ActiveAssignment {
  return {
    principalId: i.principalId,
    target: targetOf(i, roles),
    startAt: i.startDateTime ? Date.parse(i.startDateTime) : 0,
    endsAt: endOf(i),
    viaSchedule: !isStanding(i),
  };
}

/**
 * Standing assignments (no end date, not activated): role holders PIM does not time-box.
 * One paged read of every assignment instance in the tenant.
 */
export async function standingAssignments(
  reader: GraphReader,
  roles: readonly RoleEntry[],
  now: number,
): Promise<ActiveAssignment[]> {
  const all = await reader.list<ScheduleInstance>(
    `${ROLE_MANAGEMENT}/roleAssignmentScheduleInstances`,
    'assignments',
  );
  return all.filter((i) => isStanding(i) && current(i, now)).map((i) => assignmentOf(i, roles));
}

/**
 * Everyone holding a built-in directory role now, however they got it. Custom roles have no
 * directoryRole object (the answer is empty): use standingAssignments for those.
 */
export async function roleMembers(
  reader: GraphReader,
  roleDefinitionId: string,
): Promise<RoleMember[]> {
  const [role] = await reader.list<{ id: string }>('/directoryRoles', 'roles', {
    filter: `roleTemplateId eq ${literal(roleDefinitionId)}`,
    select: 'id',
  });
  if (!role) return [];
  const members = await reader.list<{
    id: string;
    displayName?: string | null;
    '@odata.type'?: string;
  }>(`/directoryRoles/${segment(role.id)}/members`, 'roles', { select: 'id,displayName' });
  return members.map((m) => ({
    id: m.id,
    displayName: m.displayName ?? null,
    type: (m['@odata.type'] ?? 'directoryObject').replace('#microsoft.graph.', ''),
  }));
}
