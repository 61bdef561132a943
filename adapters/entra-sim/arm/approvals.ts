/**
 * PIM's own approval of an Azure self-activation, as ARM has it (Microsoft.Authorization
 * roleAssignmentApprovals, api-version 2021-01-01-preview): the request waits
 * `PendingApproval` with an approval of one stage; a listed approver decides it with their own
 * delegated ARM token: `GET {approvalId}` (the stage with `assignedToMe`), then
 * `PUT {approvalId}/stages/{stageId}` `{ properties: { reviewResult, justification } }`.
 * Anyone not listed (the app, the requester) gets ARM's 403 `AuthorizationFailed`; a second
 * decision 409. The schedule request names the approval by its full id at the request's scope;
 * ARM also answers it at the tenant root (`/providers/…/roleAssignmentApprovals/{guid}`), so
 * an approval is found by its GUID either way.
 */
import { randomUUID } from 'node:crypto';
import type { SimReply } from '../sim-request.ts';
import type { ArmCall } from './call.ts';
import { armError } from './reply.ts';
import type { ArmAssignment, ArmState } from './state.ts';

export const APPROVALS_API_VERSION = '2021-01-01-preview';
export const APPROVAL_PATH =
  /^(.*\/providers\/Microsoft\.Authorization\/roleAssignmentApprovals\/[^/]+)(?:\/stages\/([^/]+))?$/i;
const STAGE_WRITE = 'Microsoft.Authorization/roleAssignmentApprovals/stages/write';

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
/** An approval's GUID: the last segment of its id, given in full or alone. */
const guidOf = (approvalId: string): string => (approvalId.split('/').pop() ?? '').toLowerCase();

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
  held(arm).set(guidOf(approvalId), {
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

/** The approval at `path`: its GUID, at the tenant root or at the approval's own scope. */
function approvalAt(arm: ArmState, path: string): HeldApproval | undefined {
  const found = held(arm).get(guidOf(path));
  const scoped = !path.toLowerCase().startsWith('/providers/');
  return found && (!scoped || found.id.toLowerCase() === path.toLowerCase()) ? found : undefined;
}

/**
 * The decision, as PIM records it: approved, the assignment is made (its duration runs from
 * now) and the schedule request is Provisioned; denied, the request is Denied.
 */
function decide(arm: ArmState, approval: HeldApproval, by: string, result: 'Approve' | 'Deny') {
  approval.status = 'Completed';
  approval.reviewResult = result;
  approval.reviewedBy = by;
  approval.request.status = result === 'Approve' ? 'Provisioned' : 'Denied';
  if (result === 'Approve') {
    const { grant } = approval;
    const now = arm.tenant.now();
    const end = grant.end === null ? null : now + (grant.end - grant.start);
    arm.assignments.push({ ...grant, start: now, end });
  }
}

/**
 * A decision made outside the bot (an approver in the Azure portal): `by` must be one of the
 * approvers and the approval still open, as the API demands.
 */
export function reviewHeld(
  arm: ArmState,
  approvalId: string,
  by: string,
  result: 'Approve' | 'Deny',
): void {
  const approval = held(arm).get(guidOf(approvalId));
  if (!approval || approval.status === 'Completed' || !approval.approvers.includes(by))
    throw new Error(`no open approval ${approvalId} for ${by}`);
  decide(arm, approval, by, result);
}

export function approvalRoute(
  arm: ArmState,
  call: ArmCall,
  path: string,
  stageId: string | undefined,
): SimReply {
  if (call.query.get('api-version') !== APPROVALS_API_VERSION)
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${call.query.get('api-version')}' is invalid. The supported versions include '${APPROVALS_API_VERSION}'.`,
    );
  const approval = approvalAt(arm, path);
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
      body: { id: approval.id, name: guidOf(approval.id), properties: { stages: [stage] } },
    };
  if (call.method !== 'PUT' || stageId?.toLowerCase() !== approval.stageId)
    return armError(405, 'MethodNotAllowed', `${call.method} is not supported here.`);
  if (!call.user || !mine) {
    const who = call.user ? `'${call.user.oid}' with object id '${call.user.oid}'` : 'application';
    return armError(
      403,
      'AuthorizationFailed',
      `The client ${who} does not have authorization to perform action '${STAGE_WRITE}' over scope '${stage.id}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  if (approval.status === 'Completed')
    return armError(409, 'RoleAssignmentApprovalAlreadyReviewed', 'The request was reviewed.');
  const properties = (call.body as { properties?: { reviewResult?: unknown } } | null)?.properties;
  const result = properties?.reviewResult;
  if (result !== 'Approve' && result !== 'Deny')
    return armError(400, 'InvalidRequestContent', 'reviewResult must be Approve or Deny.');
  decide(arm, approval, call.user.oid, result);
  return {
    status: 200,
    body: {
      ...stage,
      properties: { ...stage.properties, status: 'Completed', reviewResult: result },
    },
  };
}
