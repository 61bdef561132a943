/**
 * PUT roleEligibilityScheduleRequests/{name} as PIM handles an admin's removal of an Azure
 * role eligibility (an eligibility review's Remove): the body validated as for assignment
 * requests, the principal's eligibility for the role at exactly that scope gone (so lists
 * and activation no longer count it), the request answered with status `Revoked`. The same
 * name at the same scope with the same properties is the same request, answered again (200);
 * an eligibility that is not there is `RoleAssignmentDoesNotExist`. The simulated tenant
 * models AdminRemove only.
 */
import type { SimReply } from '../sim-request.ts';
import { azureRoleDefinitionId } from '../world.ts';
import type { ArmCall } from './call.ts';
import { armError, expanded, iso, PROVIDER } from './reply.ts';
import { lookupScope, roleGuidOf } from './scopes.ts';
import { type ArmEligibility, type ArmState, requestKey } from './state.ts';

const TYPES = new Set([
  'adminassign',
  'adminremove',
  'adminextend',
  'adminupdate',
  'adminrenew',
  'selfactivate',
  'selfdeactivate',
  'selfextend',
  'selfrenew',
]);

interface Body {
  principalId?: unknown;
  roleDefinitionId?: unknown;
  requestType?: unknown;
  justification?: unknown;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function putEligibilityRequest(
  arm: ArmState,
  call: ArmCall,
  scope: string,
  name: string,
): SimReply {
  const b = ((call.body as { properties?: Body } | null)?.properties ?? null) as Body | null;
  if (!b)
    return armError(400, 'InvalidRequestContent', 'The request content is missing properties.');
  const type = text(b.requestType);
  const principalId = text(b.principalId);
  const roleDefinitionId = text(b.roleDefinitionId);
  if (!TYPES.has(type.toLowerCase()))
    return armError(400, 'InvalidRequestContent', `The requestType '${type}' is not valid.`);
  if (type.toLowerCase() !== 'adminremove')
    return armError(
      400,
      'InvalidRequestContent',
      `The simulated tenant models only AdminRemove on eligibility requests, not '${type}'.`,
    );
  const known = lookupScope(arm, scope);
  if (!('found' in known)) return armError(404, known.code, known.message);
  const guid = roleGuidOf(arm, roleDefinitionId, known.found.subscriptionId);
  if (!guid)
    return armError(
      400,
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${roleDefinitionId}' does not exist.`,
    );
  if (!arm.tenant.users.has(principalId) && !arm.tenant.groups.has(principalId))
    return armError(
      400,
      'PrincipalNotFound',
      `Principal ${principalId} does not exist in the directory.`,
    );
  const seen = arm.eligibilityRequests.get(requestKey(scope, name));
  if (seen) {
    const same =
      seen.principalId === principalId &&
      seen.roleDefinitionId.toLowerCase() === roleDefinitionId.toLowerCase() &&
      seen.requestType.toLowerCase() === type.toLowerCase();
    return same
      ? { status: 200, body: seen.entity }
      : armError(
          400,
          'RoleEligibilityScheduleRequestExists',
          `A role eligibility schedule request named '${name}' exists with other properties.`,
        );
  }
  const ends = (e: ArmEligibility) =>
    e.principalId === principalId &&
    e.roleGuid === guid &&
    e.scope.toLowerCase() === scope.toLowerCase();
  const gone = arm.liveEligibilities(call.now).find(ends);
  if (!gone)
    return armError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
  const kept = arm.eligibilities.filter((e) => !ends(e));
  arm.eligibilities.splice(0, arm.eligibilities.length, ...kept);
  const entity = {
    name,
    id: `${scope}${PROVIDER}/roleEligibilityScheduleRequests/${name}`,
    type: 'Microsoft.Authorization/RoleEligibilityScheduleRequests',
    properties: {
      targetRoleEligibilityScheduleId: `${gone.scope}${PROVIDER}/roleEligibilitySchedules/${gone.id}`,
      targetRoleEligibilityScheduleInstanceId: null,
      scope,
      roleDefinitionId: azureRoleDefinitionId(scope, guid),
      principalId,
      principalType: arm.tenant.groups.has(principalId) ? 'Group' : 'User',
      requestType: type,
      status: 'Revoked',
      approvalId: null,
      scheduleInfo: null,
      ticketInfo: { ticketNumber: null, ticketSystem: null },
      justification: b.justification ?? null,
      requestorId: null,
      createdOn: iso(call.now),
      expandedProperties: expanded(arm, scope, guid, principalId),
    },
  };
  arm.eligibilityRequests.set(requestKey(scope, name), {
    scope,
    name,
    principalId,
    roleDefinitionId,
    requestType: type,
    entity,
  });
  return { status: 201, body: entity };
}
