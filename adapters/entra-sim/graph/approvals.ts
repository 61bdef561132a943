/**
 * PIM's own approval of a self-activation (a role whose PIM settings require approval): the
 * request waits as `PendingApproval` with an approval of one stage, whose step a listed
 * approver decides with their own delegated token:
 * `GET /roleManagement/directory/roleAssignmentApprovals/{id}` and
 * `PATCH …/roleAssignmentApprovals/{id}/steps/{stepId}` `{ reviewResult, justification }`
 * (204; 409 once decided; 403 for anyone not listed, the requester included).
 */
import { randomUUID } from 'node:crypto';
import type { Assignment, Tenant } from '../tenant.ts';
import { type GraphCall, ok, type Reply } from './call.ts';
import { graphError } from './errors.ts';

export interface PendingApproval {
  readonly id: string;
  readonly stepId: string;
  /** The schedule request's record in the request log, whose status follows the decision. */
  readonly request: Record<string, unknown>;
  /** The assignment made on approval. */
  readonly grant: Assignment;
  readonly approvers: readonly string[];
  status: 'InProgress' | 'Completed';
  reviewResult: 'NotReviewed' | 'Approve' | 'Deny';
  justification: string | null;
  reviewedBy: string | null;
}

const approvalsOf = new WeakMap<Tenant, Map<string, PendingApproval>>();

export function approvals(t: Tenant): Map<string, PendingApproval> {
  let found = approvalsOf.get(t);
  if (!found) {
    found = new Map();
    approvalsOf.set(t, found);
  }
  return found;
}

/** A self-activation held for PIM's approvers; its request record says `PendingApproval`. */
export function holdForApproval(
  t: Tenant,
  request: Record<string, unknown>,
  grant: Assignment,
  approvers: readonly string[],
): string {
  const id = randomUUID();
  approvals(t).set(id, {
    id,
    stepId: randomUUID(),
    request,
    grant,
    approvers,
    status: 'InProgress',
    reviewResult: 'NotReviewed',
    justification: null,
    reviewedBy: null,
  });
  return id;
}

/** Whether `principalId` already waits for PIM's approval of `roleId`. */
export const pendingFor = (t: Tenant, principalId: string, roleId: string): boolean =>
  [...approvals(t).values()].some(
    (a) =>
      a.status === 'InProgress' &&
      a.grant.principalId === principalId &&
      a.grant.roleDefinitionId === roleId,
  );

const PATH = /^\/roleManagement\/directory\/roleAssignmentApprovals\/([^/]+)(?:\/steps\/([^/]+))?$/;

export function approvalRoute(t: Tenant, call: GraphCall): Reply | null {
  const m = PATH.exec(call.path);
  if (!m) return null;
  const cid = call.clientRequestId;
  const approval = approvals(t).get(m[1] ?? '');
  if (!approval) return graphError(404, 'ResourceNotFound', 'The approval was not found.', cid);
  const mine = call.user !== undefined && approval.approvers.includes(call.user.oid);
  const step = () => ({
    id: approval.stepId,
    displayName: null,
    status: approval.status,
    reviewResult: approval.reviewResult,
    justification: approval.justification,
    assignedToMe: mine,
    reviewedBy: approval.reviewedBy ? { id: approval.reviewedBy } : null,
  });
  if (call.method === 'GET' && m[2] === undefined) return ok({ id: approval.id, steps: [step()] });
  if (call.method !== 'PATCH' || m[2] !== approval.stepId) return null;
  if (!call.user || !call.permissions.has('RoleAssignmentSchedule.ReadWrite.Directory'))
    return graphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
      cid,
    );
  if (!mine)
    return graphError(403, 'Forbidden', 'The caller is not an approver of this request.', cid);
  if (approval.status === 'Completed')
    return graphError(409, 'Conflict', 'The request has been reviewed already.', cid);
  const result = call.body?.reviewResult;
  if (result !== 'Approve' && result !== 'Deny')
    return graphError(400, 'BadRequest', 'reviewResult must be Approve or Deny.', cid);
  approval.status = 'Completed';
  approval.reviewResult = result;
  approval.justification =
    typeof call.body?.justification === 'string' ? call.body.justification : null;
  approval.reviewedBy = call.user.oid;
  approval.request.status = result === 'Approve' ? 'Provisioned' : 'Denied';
  if (result === 'Approve') t.assignments.push(approval.grant);
  return { status: 204, body: '' };
}
