/**
 * POST roleAssignmentScheduleRequests as PIM handles it: validation of the body, the policy
 * rules for admin and self activations, and the resulting assignment.
 */
import { randomUUID } from 'node:crypto';
import type { Tenant } from '../tenant.ts';
import { holdForApproval, pendingFor } from './approvals.ts';
import { callerRefused, type GraphCall, needs, ok, type Reply } from './call.ts';
import { graphError, policyFailed } from './errors.ts';
import { failedPolicyRules, isReply, requestedSchedule } from './schedule-info.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ACTIONS = new Set([
  'adminassign',
  'adminremove',
  'adminextend',
  'adminupdate',
  'selfactivate',
  'selfdeactivate',
]);

export function scheduleRequest(t: Tenant, call: GraphCall): Reply {
  const cid = call.clientRequestId;
  const denied = needs(call, [
    'RoleManagement.ReadWrite.Directory',
    'RoleAssignmentSchedule.ReadWrite.Directory',
  ]);
  if (denied) return denied;
  const b = call.body ?? {};
  const action = typeof b.action === 'string' ? b.action : '';
  const principalId = typeof b.principalId === 'string' ? b.principalId : '';
  const roleId = typeof b.roleDefinitionId === 'string' ? b.roleDefinitionId : '';
  const scope = typeof b.directoryScopeId === 'string' ? b.directoryScopeId : '';
  if (!ACTIONS.has(action.toLowerCase()))
    return graphError(400, 'BadRequest', `Invalid action '${action}'.`, cid);
  if (!GUID.test(principalId) || !roleId || !scope)
    return graphError(
      400,
      'BadRequest',
      'principalId, roleDefinitionId and directoryScopeId are required.',
      cid,
    );
  const role = t.roles.get(roleId);
  if (!role)
    return graphError(404, 'RoleNotFound', `The role definition '${roleId}' was not found.`, cid);
  if (!t.users.has(principalId) && !t.groups.has(principalId))
    return graphError(400, 'InvalidPrincipal', `Principal '${principalId}' does not exist.`, cid);
  const verb = action.toLowerCase();
  const self = verb.startsWith('self');
  const caller = callerRefused(call, self, principalId);
  if (caller) return caller;
  const live = t
    .live()
    .find(
      (a) =>
        a.principalId === principalId &&
        a.roleDefinitionId === roleId &&
        a.directoryScopeId === scope,
    );
  if (verb === 'adminremove' || verb === 'selfdeactivate') {
    if (!live)
      return graphError(
        400,
        'RoleAssignmentDoesNotExist',
        'The Role assignment does not exist.',
        cid,
      );
    t.assignments = t.assignments.filter((a) => a !== live);
    return ok(record(t, b, 'Revoked', live.id), 201);
  }
  // Disabled definitions cannot be assigned; Graph answers with a validation error.
  if (role.isEnabled === false)
    return graphError(
      400,
      'RoleNotAssignable',
      `The role '${role.displayName}' is not enabled for assignment.`,
      cid,
    );
  const asked = requestedSchedule(b, t.now(), cid);
  if (isReply(asked)) return asked;
  const { start, seconds } = asked;
  const justified = typeof b.justification === 'string' && b.justification.trim() !== '';
  const failed = failedPolicyRules({
    body: b,
    policy: t.policies.get(roleId) ?? {},
    self,
    seconds,
    mfa: call.user?.mfa ?? false,
    eligible:
      self &&
      t
        .liveEligibilities()
        .some(
          (e) =>
            e.roleDefinitionId === roleId &&
            (e.principalId === principalId || t.groupsOf(principalId).has(e.principalId)),
        ),
  });
  if (failed.length > 0) return policyFailed(failed, cid);
  if (live && verb !== 'adminextend' && verb !== 'adminupdate')
    return graphError(400, 'RoleAssignmentExists', 'The Role assignment already exists.', cid);
  const end = seconds === null ? null : new Date(start + seconds * 1000).toISOString();
  if (live && (verb === 'adminextend' || verb === 'adminupdate')) {
    live.endDateTime = end;
    return ok(record(t, b, 'Provisioned', live.id), 201);
  }
  if (verb === 'adminextend' || verb === 'adminupdate')
    return graphError(
      400,
      'RoleAssignmentDoesNotExist',
      'The Role assignment does not exist.',
      cid,
    );
  const id = randomUUID();
  const grant = {
    id,
    principalId,
    roleDefinitionId: roleId,
    directoryScopeId: scope,
    startDateTime: new Date(start).toISOString(),
    endDateTime: end,
    justification: justified ? String(b.justification) : null,
    viaSchedule: true,
  };
  const policy = t.policies.get(roleId) ?? {};
  if (self && policy.approval) {
    // PIM's own approval: nothing is assigned until a listed approver approves.
    if (pendingFor(t, principalId, roleId))
      return graphError(
        400,
        'PendingRoleAssignmentRequest',
        'There is already a pending request for this role assignment.',
        cid,
      );
    const entity = record(t, b, 'PendingApproval', id);
    entity.approvalId = holdForApproval(t, entity, grant, policy.approvers ?? []);
    return ok(entity, 201);
  }
  t.assignments.push(grant);
  return ok(record(t, b, self ? 'Granted' : 'Provisioned', id), 201);
}

function record(
  t: Tenant,
  b: Record<string, unknown>,
  status: string,
  scheduleId: string,
): Record<string, unknown> {
  const entity = {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleRequests/$entity',
    id: randomUUID(),
    status,
    createdDateTime: new Date(t.now()).toISOString(),
    completedDateTime: new Date(t.now()).toISOString(),
    approvalId: null,
    customData: null,
    action: b.action,
    principalId: b.principalId,
    roleDefinitionId: b.roleDefinitionId,
    directoryScopeId: b.directoryScopeId,
    appScopeId: null,
    isValidationOnly: false,
    targetScheduleId: scheduleId,
    justification: b.justification ?? null,
    scheduleInfo: b.scheduleInfo ?? null,
    ticketInfo: b.ticketInfo ?? { ticketNumber: null, ticketSystem: null },
  };
  t.requestLog.push(entity);
  return entity;
}
