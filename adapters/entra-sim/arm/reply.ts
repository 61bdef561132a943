/** ARM's reply shapes: the error envelope and the resource entities with expandedProperties. */
import { randomUUID } from 'node:crypto';
import type { SimReply } from '../sim-request.ts';
import { azureRoleDefinitionId } from '../world.ts';
import { lookupScope } from './scopes.ts';
import type { ArmState } from './state.ts';

export const PROVIDER = '/providers/Microsoft.Authorization';

export function armError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): SimReply {
  return {
    status,
    body: { error: { code, message } },
    headers: { 'x-ms-request-id': randomUUID(), ...(headers ?? {}) },
  };
}

export const policyFailed = (rules: readonly string[]): SimReply =>
  armError(
    400,
    'RoleAssignmentRequestPolicyValidationFailed',
    `The following policy rules failed: ${JSON.stringify(rules)}`,
  );

/** ARM's throttling answer. */
export const armThrottled = (retryAfter: number): SimReply =>
  armError(
    429,
    'TooManyRequests',
    'The request is being throttled as the limit has been reached for operation type.',
    { 'retry-after': String(retryAfter) },
  );

export const iso = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

/** What expandedProperties say about a scope, a role and a principal. */
export function expanded(arm: ArmState, scope: string, roleGuid: string, principalId: string) {
  const known = lookupScope(arm, scope);
  const user = arm.tenant.users.get(principalId);
  const group = arm.tenant.groups.get(principalId);
  const roleId = azureRoleDefinitionId(scope, roleGuid);
  return {
    scope: {
      id: scope,
      displayName: 'found' in known ? known.found.displayName : scope,
      type: 'found' in known ? known.found.type : 'unknown',
    },
    roleDefinition: {
      id: roleId,
      displayName: arm.roles.get(roleGuid) ?? roleGuid,
      type: 'BuiltInRole',
    },
    principal: {
      id: principalId,
      displayName: user?.displayName ?? group?.displayName ?? principalId,
      ...(user ? { email: user.mail ?? user.userPrincipalName } : {}),
      type: group ? 'Group' : 'User',
    },
  };
}
