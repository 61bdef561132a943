/**
 * The Microsoft.Authorization 2020-10-01 endpoints the bot uses, at any subscription or
 * resource group of the simulated tenant: eligibility and assignment instances filtered by
 * `assignedTo('<principal>')` (held directly or through a group, at, below or above the scope
 * asked about) or by `atScope()` (everybody's, at the scope or above it), policy assignments
 * with their effective rules, schedule requests, and role definitions (role-definitions.ts).
 */

import { scopeCovers } from '../../../bot/core/domain/target.ts';
import type { SimReply } from '../sim-request.ts';
import { azureRoleDefinitionId } from '../world.ts';
import { APPROVAL_PATH, approvalRoute } from './approvals.ts';
import type { ArmCall } from './call.ts';
import { putEligibilityRequest } from './eligibility-requests.ts';
import { policyAssignments } from './policy-rules.ts';
import { armError, expanded, iso, PROVIDER } from './reply.ts';
import { ROLE_DEFINITIONS, roleDefinitions } from './role-definitions.ts';
import { putScheduleRequest } from './schedule-requests.ts';
import { lookupScope, visibleFrom } from './scopes.ts';
import type { ArmState } from './state.ts';
import { requestKey } from './state.ts';

const PATH =
  /^(.*)\/providers\/Microsoft\.Authorization\/(roleEligibilityScheduleInstances|roleAssignmentScheduleInstances|roleManagementPolicyAssignments|roleAssignmentScheduleRequests|roleEligibilityScheduleRequests)(?:\/([^/]+))?$/i;
const ASSIGNED_TO = /^assignedTo\('([^']*)'\)$/i;
const AT_SCOPE = /^atScope\(\)$/i;
const ROLE_EQ = /^roleDefinitionId eq '((?:[^']|'')*)'$/i;
const PRINCIPAL_EQ = /^principalId eq '([^']*)'$/i;
export const API_VERSION = '2020-10-01';

const decode = (path: string): string =>
  path
    .split('/')
    .map((s) => decodeURIComponent(s))
    .join('/');

const RESOURCE_GROUPS = /^\/subscriptions\/([^/]+)\/resourcegroups$/i;

export function armRoute(arm: ArmState, call: ArmCall): SimReply {
  const groups = RESOURCE_GROUPS.exec(decode(call.pathname));
  if (groups?.[1] && call.method === 'GET') return resourceGroups(arm, groups[1], call);
  const definitions = ROLE_DEFINITIONS.exec(decode(call.pathname));
  if (definitions?.[1] !== undefined && call.method === 'GET')
    return roleDefinitions(arm, definitions[1], call);
  const approval = APPROVAL_PATH.exec(decode(call.pathname));
  if (approval?.[1]) return approvalRoute(arm, call, approval[1], approval[2]);
  const m = PATH.exec(decode(call.pathname));
  if (!m?.[1] || !m[2])
    return armError(404, 'InvalidResourceType', `No route for ${call.method} ${call.pathname}.`);
  if (call.query.get('api-version') !== API_VERSION)
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${call.query.get('api-version')}' is invalid. The supported versions include '${API_VERSION}'.`,
    );
  const scope = m[1];
  const known = lookupScope(arm, scope);
  if (!('found' in known)) return armError(404, known.code, known.message);
  const resource = m[2].toLowerCase();
  const name = m[3];
  if (resource === 'roleassignmentschedulerequests' && name !== undefined) {
    if (call.method === 'PUT') return putScheduleRequest(arm, call, scope, name);
    if (call.method === 'GET') {
      const found = arm.requests.get(requestKey(scope, name));
      return found
        ? { status: 200, body: found.entity }
        : armError(
            404,
            'RoleAssignmentScheduleRequestNotFound',
            `The role assignment schedule request '${name}' was not found.`,
          );
    }
  }
  if (resource === 'roleeligibilityschedulerequests' && name !== undefined && call.method === 'PUT')
    return putEligibilityRequest(arm, call, scope, name);
  if (call.method !== 'GET' || name !== undefined)
    return armError(405, 'MethodNotAllowed', `${call.method} is not supported here.`);
  const filter = call.query.get('$filter');
  if (resource === 'rolemanagementpolicyassignments') {
    const role = filter === null ? null : ROLE_EQ.exec(filter)?.[1]?.replace(/''/g, "'");
    if (role === undefined) return badFilter(filter);
    return { status: 200, body: { value: policyAssignments(arm, scope, role) } };
  }
  if (resource === 'roleassignmentschedulerequests') return scheduleRequestList(arm, scope, filter);
  const atScope = filter !== null && AT_SCOPE.test(filter);
  const principal = filter === null || atScope ? null : ASSIGNED_TO.exec(filter)?.[1];
  if (principal === undefined) return badFilter(filter);
  const holders =
    principal === null ? null : new Set([principal, ...arm.tenant.groupsOf(principal)]);
  // atScope(): what holds at the scope or is inherited from above it, never what lies below.
  const seen = (other: string) => (atScope ? scopeCovers(other, scope) : visibleFrom(scope, other));
  const value =
    resource === 'roleeligibilityscheduleinstances'
      ? eligibilityInstances(arm, seen, holders, call.now)
      : assignmentInstances(arm, seen, holders, call.now);
  return { status: 200, body: { value } };
}

/** The schedule requests made at `scope`, filtered by `principalId eq '<id>'` as ARM allows. */
function scheduleRequestList(arm: ArmState, scope: string, filter: string | null): SimReply {
  const principal = filter === null ? null : PRINCIPAL_EQ.exec(filter)?.[1];
  if (principal === undefined) return badFilter(filter);
  const value = [...arm.requests.values()]
    .filter(
      (r) =>
        r.scope.toLowerCase() === scope.toLowerCase() &&
        (principal === null || r.principalId === principal),
    )
    .map((r) => r.entity);
  return { status: 200, body: { value } };
}

const badFilter = (filter: string | null): SimReply =>
  armError(400, 'BadRequest', `The filter '${filter}' is not supported.`);

function eligibilityInstances(
  arm: ArmState,
  seen: (scope: string) => boolean,
  holders: Set<string> | null,
  now: number,
) {
  return arm
    .liveEligibilities(now)
    .filter((e) => seen(e.scope) && (holders === null || holders.has(e.principalId)))
    .map((e) => ({
      name: e.id,
      id: `${e.scope}${PROVIDER}/roleEligibilityScheduleInstances/${e.id}`,
      type: 'Microsoft.Authorization/RoleEligibilityScheduleInstances',
      properties: {
        scope: e.scope,
        roleDefinitionId: azureRoleDefinitionId(e.scope, e.roleGuid),
        principalId: e.principalId,
        principalType: arm.tenant.groups.has(e.principalId) ? 'Group' : 'User',
        status: 'Provisioned',
        roleEligibilityScheduleId: `${e.scope}${PROVIDER}/roleEligibilitySchedules/${e.id}`,
        startDateTime: iso(e.start),
        endDateTime: iso(e.end),
        memberType: arm.tenant.groups.has(e.principalId) ? 'Group' : 'Direct',
        createdOn: iso(e.start),
        expandedProperties: expanded(arm, e.scope, e.roleGuid, e.principalId),
      },
    }));
}

function assignmentInstances(
  arm: ArmState,
  seen: (scope: string) => boolean,
  holders: Set<string> | null,
  now: number,
) {
  return arm
    .live(now)
    .filter((a) => seen(a.scope) && (holders === null || holders.has(a.principalId)))
    .map((a) => ({
      name: a.id,
      id: `${a.scope}${PROVIDER}/roleAssignmentScheduleInstances/${a.id}`,
      type: 'Microsoft.Authorization/RoleAssignmentScheduleInstances',
      properties: {
        scope: a.scope,
        roleDefinitionId: azureRoleDefinitionId(a.scope, a.roleGuid),
        principalId: a.principalId,
        principalType: arm.tenant.groups.has(a.principalId) ? 'Group' : 'User',
        roleAssignmentScheduleId: `${a.scope}${PROVIDER}/roleAssignmentSchedules/${a.scheduleId}`,
        originRoleAssignmentId: `${a.scope}${PROVIDER}/roleAssignments/${a.scheduleId}`,
        status: 'Provisioned',
        startDateTime: iso(a.start),
        endDateTime: iso(a.end),
        linkedRoleEligibilityScheduleId: null,
        assignmentType: a.assignmentType,
        memberType: 'Direct',
        createdOn: iso(a.start),
        expandedProperties: expanded(arm, a.scope, a.roleGuid, a.principalId),
      },
    }));
}

/** `GET /subscriptions/{id}/resourcegroups` (Microsoft.Resources, api-version 2021-04-01). */
function resourceGroups(arm: ArmState, subscriptionId: string, call: ArmCall): SimReply {
  if (call.query.get('api-version') !== '2021-04-01')
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${call.query.get('api-version')}' is invalid. The supported versions include '2021-04-01'.`,
    );
  const sub = arm.subscription(subscriptionId);
  if (!sub)
    return armError(
      404,
      'SubscriptionNotFound',
      `The subscription '${subscriptionId}' could not be found.`,
    );
  return {
    status: 200,
    body: {
      value: sub.resourceGroups.map((name) => ({
        id: `/subscriptions/${sub.id}/resourceGroups/${name}`,
        name,
        type: 'Microsoft.Resources/resourceGroups',
        location: 'westeurope',
        properties: { provisioningState: 'Succeeded' },
      })),
    },
  };
}
