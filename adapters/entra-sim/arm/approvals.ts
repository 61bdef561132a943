/**
 * PIM's own approval of an Azure self-activation, as ARM has it (Microsoft.Authorization
 * roleAssignmentApprovals, api-version 2021-01-01-preview): the request waits
 * `PendingApproval` with an approval of one stage; a listed approver decides it with their own
 * delegated ARM token: `GET {approvalId}` (the stage with `assignedToMe`), then
 * `PUT {approvalId}/stages/{stageId}` `{ properties: { reviewResult, justification } }`.
 * Anyone not listed (the app, the requester) gets ARM's 403; a second decision 409.
 */
import { randomUUID } from 'node:crypto';
import type { SimReply } from '../sim-request.ts';
import type { ArmCall } from './call.ts';
import { armError } from './reply.ts';
import type { ArmAssignment, ArmState } from './state.ts';

export const APPROVALS_API_VERSION = '2021-01-01-preview';
export const APPROVAL_PATH =
  /^(.*\/providers\/Microsoft\.Authorization\/roleAssignmentApprovals\/[^/]+)(?:\/stages\/([^/]+))?$/i;

interface HeldApproval {
  readonly id: string;
  readonly stageId: string;
  /** The schedule request's properties, whose status follows the decision. */
  readonly request: { status?: string };
  readonly grant: ArmAssignment;
  readonly approvers: readonly string[];
  status: 'InProgress' | 'Completed';
  reviewResult: 'NotReviewed' | 'Approve' | 'Deny';
  reviewedBy: string | null;
}

const heldOf = new WeakMap<ArmState, Map<string, HeldApproval>>();

function held(arm: ArmState): Map<string, HeldApproval> {
  let found = heldOf.get(arm);
  if (!found) {
    found = new Map();
    heldOf.set(arm, found);
  }
  return found;
}

/** A self-activation held for PIM's approvers, under the approval id its request carries. */
export function holdForApproval(
  arm: ArmState,
  approvalId: string,
  request: { status?: string },
  grant: ArmAssignment,
  approvers: readonly string[],
): void {
  held(arm).set(approvalId.toLowerCase(), {
    id: approvalId,
    stageId: randomUUID(),
    request,
    grant,
    approvers,
    status: 'InProgress',
    reviewResult: 'NotReviewed',
    reviewedBy: null,
  });
}

export function approvalRoute(
  arm: ArmState,
  call: ArmCall,
  approvalId: string,
  stageId: string | undefined,
): SimReply {
  if (call.query.get('api-version') !== APPROVALS_API_VERSION)
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${call.query.get('api-version')}' is invalid. The supported versions include '${APPROVALS_API_VERSION}'.`,
    );
  const approval = held(arm).get(approvalId.toLowerCase());
  if (!approval)
    return armError(404, 'RoleAssignmentApprovalNotFound', 'The approval was not found.');
  const mine = call.user !== undefined && approval.approvers.includes(call.user.oid);
  const stage = {
    id: `${approval.id}/stages/${approval.stageId}`,
    name: approval.stageId,
    type: 'Microsoft.Authorization/roleAssignmentApprovals/stages',
    properties: {
      status: approval.status,
      reviewResult: approval.reviewResult,
      assignedToMe: mine,
      reviewedBy: approval.reviewedBy ? { id: approval.reviewedBy } : null,
    },
  };
  if (call.method === 'GET' && stageId === undefined)
    return {
      status: 200,
      body: {
        id: approval.id,
        name: approval.id.split('/').pop(),
        properties: { stages: [stage] },
      },
    };
  if (call.method !== 'PUT' || stageId?.toLowerCase() !== approval.stageId)
    return armError(405, 'MethodNotAllowed', `${call.method} is not supported here.`);
  if (!mine)
    return armError(
      403,
      'AuthorizationFailed',
      `The client '${call.user?.oid ?? 'application'}' is not an approver of this request.`,
    );
  if (approval.status === 'Completed')
    return armError(409, 'RoleAssignmentApprovalAlreadyReviewed', 'The request was reviewed.');
  const properties = (call.body as { properties?: { reviewResult?: unknown } } | null)?.properties;
  const result = properties?.reviewResult;
  if (result !== 'Approve' && result !== 'Deny')
    return armError(400, 'InvalidRequestContent', 'reviewResult must be Approve or Deny.');
  approval.status = 'Completed';
  approval.reviewResult = result;
  approval.reviewedBy = call.user?.oid ?? null;
  approval.request.status = result === 'Approve' ? 'Provisioned' : 'Denied';
  if (result === 'Approve') {
    // The activation runs its duration from the approval on.
    const { grant } = approval;
    const now = arm.tenant.now();
    const end = grant.end === null ? null : now + (grant.end - grant.start);
    arm.assignments.push({ ...grant, start: now, end });
  }
  return {
    status: 200,
    body: {
      ...stage,
      properties: { ...stage.properties, status: 'Completed', reviewResult: result },
    },
  };
}
