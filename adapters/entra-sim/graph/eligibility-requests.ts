/**
 * POST roleEligibilityScheduleRequests and PIM for Groups eligibilityScheduleRequests as PIM
 * handles an admin's removal of an eligibility (an eligibility review's Remove): the app's
 * write permission, the body checked, the eligibility gone from the tenant (so lists and
 * activation no longer count it), the request answered with status `Revoked`. An eligibility
 * that is not there is `RoleAssignmentDoesNotExist`, as PIM words it for assignments too
 * (contracts/graph-pim-errors.md §2). The simulated tenant models adminRemove only.
 */
import { randomUUID } from 'node:crypto';
import type { Tenant } from '../tenant.ts';
import { callerRefused, type GraphCall, needs, ok, type Reply } from './call.ts';
import { graphError } from './errors.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTIONS = new Set([
  'adminassign',
  'adminremove',
  'adminupdate',
  'adminextend',
  'adminrenew',
  'selfactivate',
  'selfdeactivate',
  'selfextend',
  'selfrenew',
]);
const ACCESS = new Set(['member', 'owner']);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Application permissions that may write directory role eligibility. */
export const ELIGIBILITY_WRITE = [
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
];
/** Application permissions that may write PIM for Groups eligibility. */
export const GROUP_ELIGIBILITY_WRITE = [
  'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
  'PrivilegedAccess.ReadWrite.AzureADGroup',
];

const notThere = (cid?: string) =>
  graphError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.', cid);

/** The action, checked as Graph checks it; a reply when the request goes no further. */
function actionRefused(call: GraphCall, principalId: string): Reply | null {
  const cid = call.clientRequestId;
  const verb = text(call.body?.action).toLowerCase();
  if (!ACTIONS.has(verb))
    return graphError(400, 'BadRequest', `Invalid action '${text(call.body?.action)}'.`, cid);
  if (verb !== 'adminremove')
    return graphError(
      400,
      'BadRequest',
      `The simulated tenant models only adminRemove on eligibility requests, not '${call.body?.action}'.`,
      cid,
    );
  return callerRefused(call, false, principalId);
}

export function eligibilityRequest(t: Tenant, call: GraphCall): Reply {
  const cid = call.clientRequestId;
  const denied = needs(call, ELIGIBILITY_WRITE);
  if (denied) return denied;
  const b = call.body ?? {};
  const principalId = text(b.principalId);
  const roleId = text(b.roleDefinitionId);
  const scope = text(b.directoryScopeId);
  if (!GUID.test(principalId) || !roleId || !scope)
    return graphError(
      400,
      'BadRequest',
      'principalId, roleDefinitionId and directoryScopeId are required.',
      cid,
    );
  const refused = actionRefused(call, principalId);
  if (refused) return refused;
  if (!t.roles.has(roleId))
    return graphError(404, 'RoleNotFound', `The role definition '${roleId}' was not found.`, cid);
  if (!t.users.has(principalId) && !t.groups.has(principalId))
    return graphError(400, 'InvalidPrincipal', `Principal '${principalId}' does not exist.`, cid);
  const ends = (e: Tenant['eligibilities'][number]) =>
    e.principalId === principalId &&
    e.roleDefinitionId === roleId &&
    (e.directoryScopeId ?? '/') === scope;
  if (!t.liveEligibilities().some(ends)) return notThere(cid);
  const kept = t.eligibilities.filter((e) => !ends(e));
  t.eligibilities.splice(0, t.eligibilities.length, ...kept);
  return ok(
    {
      '@odata.context':
        'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleRequests/$entity',
      ...revoked(t, b),
      principalId,
      roleDefinitionId: roleId,
      directoryScopeId: scope,
      appScopeId: null,
      targetScheduleId: randomUUID(),
    },
    201,
  );
}

export function groupEligibilityRequest(t: Tenant, call: GraphCall): Reply {
  const cid = call.clientRequestId;
  const denied = needs(call, GROUP_ELIGIBILITY_WRITE);
  if (denied) return denied;
  const b = call.body ?? {};
  const principalId = text(b.principalId);
  const groupId = text(b.groupId);
  const access = text(b.accessId);
  if (!GUID.test(principalId) || !groupId || !ACCESS.has(access))
    return graphError(
      400,
      'BadRequest',
      'principalId, groupId and accessId (member or owner) are required.',
      cid,
    );
  const refused = actionRefused(call, principalId);
  if (refused) return refused;
  if (!t.groups.has(groupId))
    return graphError(404, 'ResourceNotFound', `The group '${groupId}' was not found.`, cid);
  if (!t.users.has(principalId) && !t.groups.has(principalId))
    return graphError(400, 'InvalidPrincipal', `Principal '${principalId}' does not exist.`, cid);
  const all = t.pimGroups.eligibilities;
  const ends = (e: (typeof all)[number]) =>
    e.principalId === principalId && e.groupId === groupId && e.accessId === access;
  if (!t.pimGroups.liveEligibilities().some(ends)) return notThere(cid);
  const kept = all.filter((e) => !ends(e));
  all.splice(0, all.length, ...kept);
  return ok(
    {
      '@odata.context':
        'https://graph.microsoft.com/v1.0/$metadata#identityGovernance/privilegedAccess/group/eligibilityScheduleRequests/$entity',
      ...revoked(t, b),
      accessId: access,
      principalId,
      groupId,
      targetScheduleId: `${groupId}_${access}_${principalId}`,
    },
    201,
  );
}

/** What every schedule request entity carries, for a removal done now. */
function revoked(t: Tenant, b: Record<string, unknown>) {
  const at = new Date(t.now()).toISOString();
  return {
    id: randomUUID(),
    status: 'Revoked',
    createdDateTime: at,
    completedDateTime: at,
    approvalId: null,
    customData: null,
    action: b.action,
    isValidationOnly: false,
    justification: b.justification ?? null,
    scheduleInfo: b.scheduleInfo ?? null,
    ticketInfo: b.ticketInfo ?? { ticketNumber: null, ticketSystem: null },
  };
}
