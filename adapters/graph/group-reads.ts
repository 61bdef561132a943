/**
 * PIM for Groups read through Graph: eligibility, PIM's rules for membership and ownership,
 * and the assignments a person holds. Graph lists these only with a filter on principalId or
 * groupId, so eligibility held through another group is not looked up (it would take one
 * call per group the person is in).
 */
import type { PimRules } from '../../bot/core/domain/policy.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import type { ActiveAssignment, Eligibility } from '../../bot/core/ports/privilege-provider.ts';
import { current, endOf } from './graph-types.ts';
import { type GroupInstance, groupTargetOf, isStandingGroup, PIM_GROUPS } from './group-types.ts';
import { type GraphReader, literal, segment } from './reader.ts';
import { type PolicyRule, pimRules } from './rules.ts';

/** As DESIGN.md names it; Graph documents `$expand` of the group on these lists. */
const EXPAND_GROUP = 'group';

/** Current eligibility for group membership or ownership, one entry per group and access. */
export async function groupEligibilities(
  reader: GraphReader,
  principalId: string,
  now: number,
): Promise<Eligibility[]> {
  const all = await reader.list<GroupInstance>(
    `${PIM_GROUPS}/eligibilityScheduleInstances`,
    'groupEligibility',
    { filter: `principalId eq ${literal(principalId)}`, expand: EXPAND_GROUP },
  );
  // Lasting as long as the longest way it is held.
  const byTarget = new Map<string, Eligibility>();
  for (const i of await named(
    reader,
    all.filter((x) => current(x, now)),
  )) {
    const target = groupTargetOf(i);
    const key = `${target.id.toLowerCase()}|${target.access}`;
    const endsAt = endOf(i);
    const seen = byTarget.get(key);
    if (seen && (seen.endsAt === null || (endsAt !== null && endsAt <= seen.endsAt))) continue;
    byTarget.set(key, { target, endsAt });
  }
  return [...byTarget.values()];
}

/** PIM's rules for activating membership or ownership of the group. */
export async function groupRules(reader: GraphReader, target: Target): Promise<PimRules> {
  const found = await reader.list<{ policy?: { rules?: PolicyRule[] } | null }>(
    '/policies/roleManagementPolicyAssignments',
    'groupPolicy',
    {
      filter: `scopeId eq ${literal(target.id)} and scopeType eq 'Group' and roleDefinitionId eq ${literal(target.access ?? 'member')}`,
      expand: 'policy($expand=rules)',
    },
  );
  return pimRules(found[0]?.policy?.rules ?? []);
}

/** The group assignment instances holding now, by one filter (`principalId eq …`, `groupId eq …`). */
export async function liveGroupInstances(
  reader: GraphReader,
  filter: string,
  now: number,
): Promise<GroupInstance[]> {
  const all = await reader.list<GroupInstance>(
    `${PIM_GROUPS}/assignmentScheduleInstances`,
    'groupAssignments',
    { filter, expand: EXPAND_GROUP },
  );
  return named(
    reader,
    all.filter((i) => current(i, now)),
  );
}

/**
 * The instances with their group's display name: from `$expand=group`, else one
 * `GET /groups/{id}?$select=displayName` per group (a group Graph no longer has keeps its id).
 */
async function named(reader: GraphReader, instances: GroupInstance[]): Promise<GroupInstance[]> {
  const missing = [
    ...new Set(instances.filter((i) => !i.group?.displayName).map((i) => i.groupId)),
  ];
  if (missing.length === 0) return instances;
  const names = new Map<string, string>();
  for (const id of missing) {
    const g = await reader.get<{ displayName?: string | null }>(
      `/groups/${segment(id)}`,
      'groups',
      {
        select: 'displayName',
      },
    );
    if (g?.displayName) names.set(id, g.displayName);
  }
  return instances.map((i) => {
    const name = i.group?.displayName ?? names.get(i.groupId);
    return name ? { ...i, group: { displayName: name } } : i;
  });
}

export const groupAssignmentOf = (i: GroupInstance): ActiveAssignment => ({
  principalId: i.principalId,
  target: groupTargetOf(i),
  startAt: i.startDateTime ? Date.parse(i.startDateTime) : 0,
  endsAt: endOf(i),
  viaSchedule: !isStandingGroup(i),
});

/**
 * Members and owners of the groups PIM does not time-box (added outside PIM), for the
 * "assigned outside PIM" alert. Graph needs a group to filter on: one call per group.
 */
export async function standingGroupAssignments(
  reader: GraphReader,
  groupIds: readonly string[],
  now: number,
): Promise<ActiveAssignment[]> {
  const out: ActiveAssignment[] = [];
  for (const id of new Set(groupIds)) {
    const live = await liveGroupInstances(reader, `groupId eq ${literal(id)}`, now);
    out.push(...live.filter(isStandingGroup).map(groupAssignmentOf));
  }
  return out;
}
