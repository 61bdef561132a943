/**
 * Who may make which roleAssignmentScheduleRequest, as ARM decides it: SelfActivate and
 * SelfDeactivate are a person's own, with their delegated ARM token (`user_impersonation`)
 * and their own principalId; the app's token, or someone else's, is ARM's 403
 * `AuthorizationFailed`. Admin requests are the app's (this tenant gives people no Azure RBAC
 * role to assign with). A self-activation under PIM's approval waits `PendingApproval`, and
 * a second one while it waits is refused.
 */
import type { SimReply } from '../sim-request.ts';
import type { ArmCall } from './call.ts';
import { armError } from './reply.ts';
import type { ArmState } from './state.ts';

const WRITE = 'Microsoft.Authorization/roleAssignmentScheduleRequests/write';

export const isSelf = (verb: string): boolean => verb.startsWith('self');

export function callerRefused(
  call: ArmCall,
  verb: string,
  principalId: string,
  scope: string,
): SimReply | null {
  const self = isSelf(verb);
  const user = call.user;
  const allowed = self ? user !== undefined && user.oid === principalId : user === undefined;
  if (allowed) return null;
  const who = user ? `'${user.oid}' with object id '${user.oid}'` : 'application';
  return armError(
    403,
    'AuthorizationFailed',
    `The client ${who} does not have authorization to perform action '${WRITE}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/** A self-activation of this role at this scope waiting for PIM's approvers. */
export function pendingFor(
  arm: ArmState,
  principalId: string,
  roleDefinitionId: string,
  scope: string,
): boolean {
  return [...arm.requests.values()].some(
    (r) =>
      r.principalId === principalId &&
      r.roleDefinitionId.toLowerCase() === roleDefinitionId.toLowerCase() &&
      r.scope.toLowerCase() === scope.toLowerCase() &&
      (r.entity.properties as { status?: string } | undefined)?.status === 'PendingApproval',
  );
}

export const pendingExists = (): SimReply =>
  armError(
    400,
    'PendingRoleAssignmentRequest',
    'There is already a pending request for this role assignment.',
  );

/** The last segment of a schedule id, whether given in full or as the GUID alone. */
export const scheduleName = (id: unknown): string =>
  typeof id === 'string' ? (id.split('/').filter(Boolean).pop()?.toLowerCase() ?? '') : '';
