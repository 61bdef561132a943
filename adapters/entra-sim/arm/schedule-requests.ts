/**
 * PUT roleAssignmentScheduleRequests/{name} as PIM handles it for Azure roles: the body
 * validated, who may make it (self-requests.ts), PIM's rules for admin and self requests (for
 * self requests MFA read from the person's token, eligibility from the linked eligibility
 * schedule when one is named), the resulting assignment or PIM's approval, and:
 * - the same name at the same scope with the same principal, role and request type is the
 *   same request: ARM answers it again (200) and grants nothing twice; with other properties
 *   it is refused (the stand-in's code `RoleAssignmentScheduleRequestExists`);
 * - an assignment already live is `RoleAssignmentExists`;
 * - removal within 5 minutes of the activation is `ActiveDurationTooShort`.
 */
import { randomUUID } from 'node:crypto';
import { scopeCovers } from '../../../bot/core/domain/target.ts';
import { isoSeconds } from '../graph/call.ts';
import type { SimReply } from '../sim-request.ts';
import { azureRoleDefinitionId } from '../world.ts';
import { holdForApproval } from './approvals.ts';
import type { ArmCall } from './call.ts';
import { armError, expanded, iso, PROVIDER, policyFailed } from './reply.ts';
import { lookupScope, roleGuidOf } from './scopes.ts';
import { callerRefused, isSelf, pendingExists, pendingFor, scheduleName } from './self-requests.ts';
import type { ArmState } from './state.ts';
import { type ArmAssignment, requestKey } from './state.ts';

/** ARM keeps an activation this long before it may be removed. */
export const MIN_ACTIVE_MS = 5 * 60_000;

const TYPES = new Set([
  'adminassign',
  'adminremove',
  'adminextend',
  'adminupdate',
  'selfactivate',
  'selfdeactivate',
  'selfextend',
]);

interface Body {
  principalId?: unknown;
  roleDefinitionId?: unknown;
  requestType?: unknown;
  linkedRoleEligibilityScheduleId?: unknown;
  justification?: unknown;
  ticketInfo?: { ticketNumber?: unknown; ticketSystem?: unknown } | null;
  scheduleInfo?: {
    startDateTime?: string | null;
    expiration?: { type?: string; duration?: string | null; endDateTime?: string | null };
  } | null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function putScheduleRequest(
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
  const verb = type.toLowerCase();
  const caller = callerRefused(call, verb, principalId, scope);
  if (caller) return caller;
  const seen = arm.requests.get(requestKey(scope, name));
  if (seen) {
    const same =
      seen.principalId === principalId &&
      seen.roleDefinitionId.toLowerCase() === roleDefinitionId.toLowerCase() &&
      seen.requestType.toLowerCase() === type.toLowerCase();
    return same
      ? { status: 200, body: seen.entity }
      : armError(
          400,
          'RoleAssignmentScheduleRequestExists',
          `A role assignment schedule request named '${name}' exists with other properties.`,
        );
  }
  const live = arm
    .live(call.now)
    .find(
      (a) =>
        a.principalId === principalId &&
        a.roleGuid === guid &&
        a.scope.toLowerCase() === scope.toLowerCase(),
    );
  if (verb === 'adminremove' || verb === 'selfdeactivate') {
    if (!live)
      return armError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
    if (call.now - live.start < MIN_ACTIVE_MS)
      return armError(
        400,
        'ActiveDurationTooShort',
        'The role assignment cannot be removed within 5 minutes of its activation.',
      );
    arm.assignments = arm.assignments.filter((a) => a !== live);
    return created(arm, scope, name, b, guid, 'Revoked', live);
  }
  const schedule = b.scheduleInfo ?? {};
  const start = schedule.startDateTime ? Date.parse(schedule.startDateTime) : call.now;
  if (Number.isNaN(start))
    return armError(400, 'InvalidRequestContent', 'scheduleInfo.startDateTime is not a date.');
  const expiration = (schedule.expiration?.type ?? 'NoExpiration').toLowerCase();
  let seconds: number | null = null;
  if (expiration === 'afterduration') {
    // ARM refuses AfterDuration without a duration for assignment requests (arm-pim.md).
    seconds = isoSeconds(schedule.expiration?.duration ?? '');
    if (seconds === null) return policyFailed(['ExpirationRule']);
  } else if (expiration === 'afterdatetime') {
    seconds = (Date.parse(schedule.expiration?.endDateTime ?? '') - start) / 1000;
    if (Number.isNaN(seconds))
      return armError(400, 'InvalidRequestContent', 'expiration.endDateTime is not a date.');
  } else if (expiration !== 'noexpiration') {
    return armError(
      400,
      'InvalidRequestContent',
      `Invalid expiration type '${schedule.expiration?.type}'.`,
    );
  }
  const failed = rulesFailed(arm, b, verb, guid, principalId, scope, seconds, call);
  if (failed.length > 0) return policyFailed(failed);
  const end = seconds === null ? null : start + seconds * 1000;
  if (verb === 'adminextend' || verb === 'adminupdate' || verb === 'selfextend') {
    if (!live)
      return armError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
    live.end = end;
    return created(arm, scope, name, b, guid, 'Provisioned', live);
  }
  if (live) return armError(400, 'RoleAssignmentExists', 'The Role assignment already exists.');
  const assignment: ArmAssignment = {
    id: randomUUID(),
    scheduleId: randomUUID(),
    principalId,
    roleGuid: guid,
    scope,
    start,
    end,
    assignmentType: verb === 'selfactivate' ? 'Activated' : 'Assigned',
  };
  const policy = arm.policies.get(guid);
  if (verb === 'selfactivate' && policy?.approval) {
    // PIM's own approval: nothing is assigned until one of its approvers approves.
    if (pendingFor(arm, principalId, roleDefinitionId, scope)) return pendingExists();
    const reply = created(arm, scope, name, b, guid, 'PendingApproval', null);
    const entity = reply.body as { properties: { approvalId: string; status?: string } };
    holdForApproval(
      arm,
      entity.properties.approvalId,
      entity.properties,
      assignment,
      policy.approvers ?? [],
    );
    return reply;
  }
  arm.assignments.push(assignment);
  return created(arm, scope, name, b, guid, 'Provisioned', assignment);
}

/** The PIM rules a request breaks: the end-user rules for self requests, the admin ones else. */
function rulesFailed(
  arm: ArmState,
  b: Body,
  verb: string,
  guid: string,
  principalId: string,
  scope: string,
  seconds: number | null,
  call: ArmCall,
): string[] {
  const policy = arm.policies.get(guid) ?? {};
  const self = isSelf(verb);
  const failed: string[] = [];
  if (self) {
    const holders = new Set([principalId, ...arm.tenant.groupsOf(principalId)]);
    const linked = scheduleName(b.linkedRoleEligibilityScheduleId);
    const eligible = arm
      .liveEligibilities(call.now)
      .some(
        (e) =>
          e.roleGuid === guid &&
          holders.has(e.principalId) &&
          scopeCovers(e.scope, scope) &&
          (linked === '' || e.id.toLowerCase() === linked),
      );
    if (!eligible) failed.push('EligibilityRule');
    // The app's token never carries MFA; a person's does when they signed in with it (`amr`).
    if (policy.mfa && !call.user?.mfa) failed.push('MfaRule');
    if (policy.ticketing && text(b.ticketInfo?.ticketNumber).trim() === '')
      failed.push('TicketingRule');
  }
  const justified = text(b.justification).trim() !== '';
  if ((self ? policy.justification : policy.adminJustification) && !justified)
    failed.push('JustificationRule');
  const max =
    isoSeconds(
      (self ? policy.maximumDuration : policy.adminMaximumDuration) ?? (self ? 'PT8H' : 'P365D'),
    ) ?? 0;
  if (seconds === null ? self : seconds > max) failed.push('ExpirationRule');
  return failed;
}

function created(
  arm: ArmState,
  scope: string,
  name: string,
  b: Body,
  guid: string,
  status: string,
  assignment: ArmAssignment | null,
): SimReply {
  const principalId = text(b.principalId);
  const entity = {
    name,
    id: `${scope}${PROVIDER}/roleAssignmentScheduleRequests/${name}`,
    type: 'Microsoft.Authorization/RoleAssignmentScheduleRequests',
    properties: {
      targetRoleAssignmentScheduleId: assignment
        ? `${assignment.scope}${PROVIDER}/roleAssignmentSchedules/${assignment.scheduleId}`
        : null,
      targetRoleAssignmentScheduleInstanceId: null,
      scope,
      roleDefinitionId: azureRoleDefinitionId(scope, guid),
      principalId,
      principalType: arm.tenant.groups.has(principalId) ? 'Group' : 'User',
      requestType: text(b.requestType),
      status,
      approvalId:
        status === 'PendingApproval'
          ? `${scope}${PROVIDER}/roleAssignmentApprovals/${randomUUID()}`
          : null,
      scheduleInfo: b.scheduleInfo ?? null,
      ticketInfo: b.ticketInfo ?? { ticketNumber: null, ticketSystem: null },
      justification: b.justification ?? null,
      linkedRoleEligibilityScheduleId: b.linkedRoleEligibilityScheduleId ?? null,
      requestorId: isSelf(text(b.requestType).toLowerCase()) ? principalId : null,
      createdOn: iso(arm.tenant.now()),
      expandedProperties: expanded(arm, scope, guid, principalId),
    },
  };
  arm.requests.set(requestKey(scope, name), {
    scope,
    name,
    principalId,
    roleDefinitionId: text(b.roleDefinitionId),
    requestType: text(b.requestType),
    entity,
  });
  return { status: 201, body: entity };
}
