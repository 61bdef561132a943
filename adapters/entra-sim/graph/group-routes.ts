/**
 * Graph's PIM for Groups endpoints (identityGovernance/privilegedAccess/group/…), the group
 * policies of roleManagementPolicyAssignments, and the groups themselves. PIM lists need a
 * `$filter` on principalId or groupId, as Graph documents; groups are found by displayName.
 */
import type { GroupAssignment, StandInGroupEligibility } from '../group-pim.ts';
import { policyKey } from '../group-pim.ts';
import type { Tenant } from '../tenant.ts';
import { type GraphCall, list, needs, ok, type Reply } from './call.ts';
import { groupEligibilityRequest } from './eligibility-requests.ts';
import { graphError } from './errors.ts';
import { GROUP_WRITE, groupScheduleRequest } from './group-requests.ts';
import { type Filter, matches } from './odata.ts';
import { rulesFor } from './policy-rules.ts';

const BASE = '/identityGovernance/privilegedAccess/group';
const READ_ASSIGNMENTS = ['PrivilegedAssignmentSchedule.Read.AzureADGroup', ...GROUP_WRITE];
const READ_ELIGIBILITY = [
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
];
const READ_GROUPS = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];

const eligibilityJson = (t: Tenant, e: StandInGroupEligibility, index: number) => ({
  id: `${e.groupId}_${e.accessId}_${e.principalId}_${index}`,
  eligibilityScheduleId: `${e.groupId}_${e.accessId}_${e.principalId}`,
  principalId: e.principalId,
  groupId: e.groupId,
  accessId: e.accessId,
  startDateTime: new Date(0).toISOString(),
  endDateTime: e.endDateTime ?? null,
  memberType: t.groups.has(e.principalId) ? 'group' : 'direct',
});

const assignmentJson = (a: GroupAssignment) => ({
  id: a.id,
  assignmentScheduleId: a.id,
  principalId: a.principalId,
  groupId: a.groupId,
  accessId: a.accessId,
  startDateTime: a.startDateTime,
  endDateTime: a.endDateTime,
  assignmentType: a.viaSchedule ? 'activated' : 'assigned',
  memberType: 'direct',
});

/** The reply for a PIM for Groups or group endpoint; null when the call is for another one. */
export function groupRoute(t: Tenant, call: GraphCall, filter: Filter | null): Reply | null {
  const p = call.path;
  const get = call.method === 'GET';
  if (get && p === `${BASE}/eligibilityScheduleInstances`)
    return (
      needs(call, READ_ELIGIBILITY) ??
      filtered(
        t,
        call,
        filter,
        t.pimGroups.liveEligibilities().map((e, i) => eligibilityJson(t, e, i)),
      )
    );
  if (get && p === `${BASE}/assignmentScheduleInstances`)
    return (
      needs(call, READ_ASSIGNMENTS) ??
      filtered(t, call, filter, t.pimGroups.live().map(assignmentJson))
    );
  if (get && p === `${BASE}/assignmentScheduleRequests`)
    return needs(call, READ_ASSIGNMENTS) ?? filtered(t, call, filter, t.pimGroups.requestLog);
  if (call.method === 'POST' && p === `${BASE}/assignmentScheduleRequests`)
    return groupScheduleRequest(t, call);
  if (call.method === 'POST' && p === `${BASE}/eligibilityScheduleRequests`)
    return groupEligibilityRequest(t, call);
  if (get && p === '/policies/roleManagementPolicyAssignments' && isGroupScope(filter))
    return (
      needs(call, [
        'RoleManagementPolicy.Read.AzureADGroup',
        'RoleManagementPolicy.ReadWrite.AzureADGroup',
      ]) ?? groupPolicy(t, filter)
    );
  if (get && p === '/groups') return needs(call, READ_GROUPS) ?? groupList(t, call, filter);
  const m = /^\/groups\/([^/]+)(\/members)?$/.exec(p);
  if (get && m)
    return needs(call, READ_GROUPS) ?? groupReply(t, call, m[1] ?? '', m[2] !== undefined);
  return null;
}

const isGroupScope = (filter: Filter | null): boolean =>
  filter?.clauses.some((c) => c.field === 'scopeType' && c.value.toLowerCase() === 'group') ??
  false;

/** A filtered list, the group expanded when asked (`$expand=group`). */
function filtered(
  t: Tenant,
  call: GraphCall,
  filter: Filter | null,
  items: readonly Record<string, unknown>[],
): Reply {
  if (!filter?.clauses.some((c) => c.field === 'principalId' || c.field === 'groupId'))
    return graphError(
      400,
      'BadRequest',
      'The request requires a filter on principalId or groupId.',
      call.clientRequestId,
    );
  const expand = (call.query.get('$expand') ?? '').toLowerCase().startsWith('group');
  return list(
    items
      .filter((i) => matches(filter, i))
      .map((i) => {
        if (!expand) return i;
        const g = t.groups.get(String(i.groupId));
        return { ...i, group: g ? { id: g.id, displayName: g.displayName } : null };
      }),
  );
}

/** `GET /groups`: every group, or those a filter on displayName or id names (any case). */
function groupList(t: Tenant, call: GraphCall, filter: Filter | null): Reply {
  const unsupported = filter?.clauses.find((c) => c.field !== 'displayName' && c.field !== 'id');
  if (unsupported)
    return graphError(
      400,
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${unsupported.field}' of resource 'Group'.`,
      call.clientRequestId,
    );
  return list(
    [...t.groups.values()]
      .map((g) => ({ id: g.id, displayName: g.displayName }))
      .filter((g) => matches(filter, g)),
  );
}

function groupPolicy(t: Tenant, filter: Filter | null): Reply {
  const value = (field: string) => filter?.clauses.find((c) => c.field === field)?.value ?? '';
  const groupId = value('scopeId');
  const access = value('roleDefinitionId');
  const id = `Group_${groupId}_${access}`;
  return list(
    t.groups.has(groupId)
      ? [
          {
            id,
            scopeId: groupId,
            scopeType: 'Group',
            roleDefinitionId: access,
            policyId: id,
            policy: {
              id,
              rules: rulesFor(t.pimGroups.policies.get(policyKey(groupId, access)) ?? {}),
            },
          },
        ]
      : [],
  );
}

function groupReply(t: Tenant, call: GraphCall, id: string, members: boolean): Reply {
  const g = t.groups.get(decodeURIComponent(id));
  if (!g)
    return graphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      call.clientRequestId,
    );
  if (!members) return ok({ id: g.id, displayName: g.displayName });
  return list(
    t.membersOf(g.id).flatMap((m) => {
      const u = t.users.get(m);
      if (u)
        return [{ '@odata.type': '#microsoft.graph.user', id: u.id, displayName: u.displayName }];
      const inner = t.groups.get(m);
      return inner
        ? [
            {
              '@odata.type': '#microsoft.graph.group',
              id: inner.id,
              displayName: inner.displayName,
            },
          ]
        : [];
    }),
  );
}
