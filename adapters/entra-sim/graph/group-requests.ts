/**
 * POST identityGovernance/privilegedAccess/group/assignmentScheduleRequests as PIM for Groups
 * handles it: the body checked, PIM's rules for the group's membership or ownership, and the
 * resulting assignment (an activated member is a member of the group until it ends).
 */
import { randomUUID } from 'node:crypto';
import { type GroupAccess, policyKey } from '../group-pim.ts';
import type { Tenant } from '../tenant.ts';
import { callerRefused, type GraphCall, needs, ok, type Reply } from './call.ts';
import { graphError, policyFailed } from './errors.ts';
import { failedPolicyRules, isReply, requestedSchedule } from './schedule-info.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTIONS = new Set([
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
const ACCESS = new Set(['member', 'owner']);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export const GROUP_WRITE = ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup'];

export function groupScheduleRequest(t: Tenant, call: GraphCall): Reply {
  const cid = call.clientRequestId;
  const denied = needs(call, GROUP_WRITE);
  if (denied) return denied;
  const b = call.body ?? {};
  const verb = text(b.action).toLowerCase();
  const principalId = text(b.principalId);
  const groupId = text(b.groupId);
  const access = text(b.accessId) as GroupAccess;
  if (!ACTIONS.has(verb))
    return graphError(400, 'BadRequest', `Invalid action '${b.action}'.`, cid);
  if (!GUID.test(principalId) || !groupId || !ACCESS.has(access))
    return graphError(
      400,
      'BadRequest',
      'principalId, groupId and accessId (member or owner) are required.',
      cid,
    );
  if (!t.groups.has(groupId))
    return graphError(404, 'ResourceNotFound', `The group '${groupId}' was not found.`, cid);
  if (!t.users.has(principalId) && !t.groups.has(principalId))
    return graphError(400, 'InvalidPrincipal', `Principal '${principalId}' does not exist.`, cid);
  const caller = callerRefused(call, verb.startsWith('self'), principalId);
  if (caller) return caller;
  const pim = t.pimGroups;
  const live = pim
    .live()
    .find((a) => a.principalId === principalId && a.groupId === groupId && a.accessId === access);
  if (verb === 'adminremove' || verb === 'selfdeactivate') {
    if (!live)
      return graphError(
        400,
        'RoleAssignmentDoesNotExist',
        'The Role assignment does not exist.',
        cid,
      );
    pim.assignments = pim.assignments.filter((a) => a !== live);
    return ok(record(t, b, 'Revoked', live.id), 201);
  }
  const asked = requestedSchedule(b, t.now(), cid);
  if (isReply(asked)) return asked;
  const { start, seconds } = asked;
  const self = verb.startsWith('self');
  const failed = failedPolicyRules({
    body: b,
    policy: pim.policies.get(policyKey(groupId, access)) ?? {},
    self,
    seconds,
    mfa: call.user?.mfa ?? false,
    eligible:
      self &&
      pim
        .liveEligibilities()
        .some(
          (e) =>
            e.groupId === groupId &&
            e.accessId === access &&
            (e.principalId === principalId || t.groupsOf(principalId).has(e.principalId)),
        ),
  });
  if (failed.length > 0) return policyFailed(failed, cid);
  const changes = verb !== 'adminassign' && verb !== 'selfactivate';
  if (live && !changes)
    return graphError(400, 'RoleAssignmentExists', 'The Role assignment already exists.', cid);
  const end = seconds === null ? null : new Date(start + seconds * 1000).toISOString();
  if (changes) {
    if (!live)
      return graphError(
        400,
        'RoleAssignmentDoesNotExist',
        'The Role assignment does not exist.',
        cid,
      );
    live.endDateTime = end;
    return ok(record(t, b, 'Provisioned', live.id), 201);
  }
  const id = randomUUID();
  const justified = text(b.justification).trim() !== '';
  pim.assignments.push({
    id,
    principalId,
    groupId,
    accessId: access,
    startDateTime: new Date(start).toISOString(),
    endDateTime: end,
    justification: justified ? text(b.justification) : null,
    viaSchedule: true,
  });
  return ok(record(t, b, self ? 'Granted' : 'Provisioned', id), 201);
}

function record(
  t: Tenant,
  b: Record<string, unknown>,
  status: string,
  scheduleId: string,
): Record<string, unknown> {
  const at = new Date(t.now()).toISOString();
  const entity = {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#identityGovernance/privilegedAccess/group/assignmentScheduleRequests/$entity',
    id: randomUUID(),
    status,
    createdDateTime: at,
    completedDateTime: at,
    approvalId: null,
    customData: null,
    action: b.action,
    isValidationOnly: false,
    justification: b.justification ?? null,
    scheduleInfo: b.scheduleInfo ?? null,
    ticketInfo: b.ticketInfo ?? { ticketNumber: null, ticketSystem: null },
    accessId: b.accessId,
    principalId: b.principalId,
    groupId: b.groupId,
    targetScheduleId: scheduleId,
  };
  t.pimGroups.requestLog.push(entity);
  return entity;
}
