/**
 * The Graph v1.0 endpoints the bot uses, validating like the service and answering with its
 * shapes and error codes (contracts/graph-pim-openapi-subset.yaml, graph-pim-errors.md).
 */
import { randomUUID } from 'node:crypto';
import { type GraphErrorReply, graphError } from './errors.ts';
import { matches, parseFilter } from './odata.ts';
import { scheduleRequest } from './schedule-requests.ts';
import type { Assignment, StandInUser, Tenant } from './tenant.ts';

export interface GraphCall {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown> | null;
  readonly permissions: ReadonlySet<string>;
  readonly clientRequestId?: string;
}
export type Reply = {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
};

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const list = (value: unknown[]): Reply =>
  ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata', value });
const READ_ROLES = [
  'RoleManagement.Read.Directory',
  'RoleManagement.ReadWrite.Directory',
  'Directory.Read.All',
];

export function needs(call: GraphCall, anyOf: readonly string[]): GraphErrorReply | null {
  return anyOf.some((p) => call.permissions.has(p))
    ? null
    : graphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
        call.clientRequestId,
      );
}

export function isoSeconds(text: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (!m || text.toUpperCase() === 'P' || text.toUpperCase().endsWith('T')) return null;
  return (
    Number(m[1] ?? 0) * 86_400 +
    Number(m[2] ?? 0) * 3600 +
    Number(m[3] ?? 0) * 60 +
    Number(m[4] ?? 0)
  );
}

const userJson = (u: StandInUser, withSignIn: boolean) => ({
  id: u.id,
  displayName: u.displayName,
  userPrincipalName: u.userPrincipalName,
  mail: u.mail ?? null,
  accountEnabled: u.accountEnabled ?? true,
  ...(withSignIn ? { signInActivity: { lastSignInDateTime: u.lastSignInDateTime ?? null } } : {}),
});

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

export function route(t: Tenant, call: GraphCall): Reply {
  const p = call.path;
  const filter = parseFilter(call.query.get('$filter'));
  if (filter === 'invalid')
    return graphError(
      400,
      'BadRequest',
      `Invalid filter clause: ${call.query.get('$filter')}`,
      call.clientRequestId,
    );
  const cid = call.clientRequestId;

  if (call.method === 'GET' && p === '/users') {
    const denied = needs(call, ['User.Read.All', 'Directory.Read.All']);
    if (denied) return denied;
    return list(
      [...t.users.values()]
        .filter((u) =>
          matches(filter, { mail: u.mail ?? '', userPrincipalName: u.userPrincipalName }),
        )
        .map((u) => userJson(u, false)),
    );
  }
  let m = /^\/users\/([^/]+)$/.exec(p);
  if (call.method === 'GET' && m) {
    const wantsSignIn = (call.query.get('$select') ?? '').includes('signInActivity');
    const denied =
      needs(call, ['User.Read.All', 'Directory.Read.All']) ??
      (wantsSignIn ? needs(call, ['AuditLog.Read.All']) : null);
    if (denied) return denied;
    const key = decodeURIComponent(m[1] ?? '').toLowerCase();
    const user = [...t.users.values()].find(
      (u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key,
    );
    return user
      ? ok(userJson(user, wantsSignIn))
      : graphError(
          404,
          'Request_ResourceNotFound',
          `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
          cid,
        );
  }
  m = /^\/users\/([^/]+)\/checkMemberGroups$/.exec(p);
  if (call.method === 'POST' && m) {
    const denied = needs(call, ['GroupMember.Read.All', 'Directory.Read.All']);
    if (denied) return denied;
    const ids = call.body?.groupIds;
    if (!Array.isArray(ids) || ids.length > 20)
      return graphError(
        400,
        'Request_BadRequest',
        'groupIds must be an array of at most 20 ids.',
        cid,
      );
    if (!t.users.has(m[1] ?? ''))
      return graphError(404, 'Request_ResourceNotFound', 'Resource does not exist.', cid);
    const mine = t.groupsOf(m[1] ?? '');
    return list(ids.filter((id): id is string => typeof id === 'string' && mine.has(id)));
  }
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
    const denied = needs(call, ['RoleEligibilitySchedule.Read.Directory', ...READ_ROLES]);
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
  if (call.method === 'POST' && p === '/roleManagement/directory/roleAssignmentScheduleRequests') {
    return scheduleRequest(t, call);
  }
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
  if (call.method === 'GET' && p === '/directoryRoles') {
    const denied = needs(call, READ_ROLES);
    if (denied) return denied;
    return list(
      [...t.roles.values()]
        .map((r) => ({ id: `dr-${r.id}`, roleTemplateId: r.id, displayName: r.displayName }))
        .filter((r) => matches(filter, r)),
    );
  }
  m = /^\/directoryRoles\/dr-([^/]+)\/members$/.exec(p);
  if (call.method === 'GET' && m) {
    const denied = needs(call, READ_ROLES);
    if (denied) return denied;
    const ids = new Set(
      t
        .live()
        .filter((a) => a.roleDefinitionId === m?.[1])
        .map((a) => a.principalId),
    );
    return list(
      [...ids].flatMap((id) => {
        const u = t.users.get(id);
        return u ? [{ '@odata.type': '#microsoft.graph.user', ...userJson(u, false) }] : [];
      }),
    );
  }
  return graphError(404, 'UnknownError', `No route for ${call.method} ${p}`, cid);
}

function rulesOf(t: Tenant, roleId: string) {
  const p = t.policies.get(roleId) ?? {};
  const enabled = (j?: boolean, tk?: boolean, mfa?: boolean) => [
    ...(mfa ? ['MultiFactorAuthentication'] : []),
    ...(j ? ['Justification'] : []),
    ...(tk ? ['Ticketing'] : []),
  ];
  const target = (caller: string) => ({
    caller,
    operations: ['all'],
    level: 'Assignment',
    inheritableSettings: [],
    enforcedSettings: [],
  });
  return [
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: p.maximumDuration ?? 'PT8H',
      target: target('EndUser'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_EndUser_Assignment',
      enabledRules: enabled(p.justification, p.ticketing, p.mfa),
      target: target('EndUser'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
      id: 'Approval_EndUser_Assignment',
      setting: { isApprovalRequired: p.approval ?? false, approvalStages: [] },
      target: target('EndUser'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: false,
      maximumDuration: p.adminMaximumDuration ?? 'P365D',
      target: target('Admin'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_Admin_Assignment',
      enabledRules: p.adminJustification ? ['Justification'] : [],
      target: target('Admin'),
    },
  ];
}
