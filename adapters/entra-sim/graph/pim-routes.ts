/** Graph's PIM endpoints for directory roles: definitions, eligibility, policies, requests. */
import { randomUUID } from 'node:crypto';
import type { Assignment, Tenant } from '../tenant.ts';
import { approvalRoute } from './approvals.ts';
import { type GraphCall, list, needs, READ_ROLES, type Reply } from './call.ts';
import { ELIGIBILITY_WRITE, eligibilityRequest } from './eligibility-requests.ts';
import { type Filter, matches } from './odata.ts';
import { rulesOf } from './policy-rules.ts';
import { scheduleRequest } from './schedule-requests.ts';

const instanceJson = (a: Assignment) => ({
  id: a.id,
  principalId: a.principalId,
  roleDefinitionId: a.roleDefinitionId,
  directoryScopeId: a.directoryScopeId,
  appScopeId: null,
  startDateTime: a.startDateTime,
  endDateTime: a.endDateTime,
  assignmentType: a.viaSchedule ? 'Activated' : 'Assigned',
  memberType: 'Direct',
  roleAssignmentOriginId: a.id,
  roleAssignmentScheduleId: a.viaSchedule ? a.id : null,
});

/** The reply for a PIM endpoint; null when the call is for another one. */
export function pimRoute(t: Tenant, call: GraphCall, filter: Filter | null): Reply | null {
  const p = call.path;
  if (call.method === 'GET' && p === '/roleManagement/directory/roleDefinitions') {
    const denied = needs(call, READ_ROLES);
    if (denied) return denied;
    return list(
      [...t.roles.values()].map((r) => ({
        id: r.id,
        templateId: r.id,
        displayName: r.displayName,
        isBuiltIn: r.isBuiltIn ?? true,
        isEnabled: r.isEnabled ?? true,
      })),
    );
  }
  if (call.method === 'GET' && p === '/roleManagement/directory/roleEligibilityScheduleInstances') {
    const denied = needs(call, [
      'RoleEligibilitySchedule.Read.Directory',
      ...ELIGIBILITY_WRITE,
      ...READ_ROLES,
    ]);
    if (denied) return denied;
    return list(
      t
        .liveEligibilities()
        .map((e) => ({
          id: randomUUID(),
          principalId: e.principalId,
          roleDefinitionId: e.roleDefinitionId,
          directoryScopeId: e.directoryScopeId ?? '/',
          startDateTime: new Date(0).toISOString(),
          endDateTime: e.endDateTime ?? null,
          memberType: t.groups.has(e.principalId) ? 'Group' : 'Direct',
        }))
        .filter((e) => matches(filter, e)),
    );
  }
  if (call.method === 'GET' && p === '/policies/roleManagementPolicyAssignments') {
    const denied = needs(call, ['RoleManagementPolicy.Read.Directory', ...READ_ROLES]);
    if (denied) return denied;
    const roleId = filter?.clauses.find((c) => c.field === 'roleDefinitionId')?.value ?? '';
    return list([
      {
        id: `Directory_${roleId}`,
        scopeId: '/',
        scopeType: 'DirectoryRole',
        roleDefinitionId: roleId,
        policyId: `policy-${roleId}`,
        policy: { id: `policy-${roleId}`, rules: rulesOf(t, roleId) },
      },
    ]);
  }
  const approval = approvalRoute(t, call);
  if (approval) return approval;
  if (call.method === 'POST' && p === '/roleManagement/directory/roleAssignmentScheduleRequests') {
    return scheduleRequest(t, call);
  }
  if (call.method === 'POST' && p === '/roleManagement/directory/roleEligibilityScheduleRequests')
    return eligibilityRequest(t, call);
  if (call.method === 'GET' && p === '/roleManagement/directory/roleAssignmentScheduleRequests') {
    const denied = needs(call, READ_ROLES);
    if (denied) return denied;
    return list(t.requestLog.filter((r) => matches(filter, r)));
  }
  if (call.method === 'GET' && p === '/roleManagement/directory/roleAssignmentScheduleInstances') {
    const denied = needs(call, READ_ROLES);
    if (denied) return denied;
    return list(
      t
        .live()
        .map(instanceJson)
        .filter((i) => matches(filter, i)),
    );
  }
  return null;
}
