/**
 * Who hears about which change of a request, the same on every chat platform: approvers see
 * the approval card, the requester hears the outcome, the security channel sees what matters.
 */

import type { RequestChange } from '../ports/notifier.ts';
import type { AccessRequest } from './request.ts';

/** Names one change of one request, for done-keys and notify job ids. */
export const occurrenceOf = (request: AccessRequest, change: RequestChange): string =>
  `${request.id}-${change}-v${request.version}`;

/**
 * Changes that post the approval card to (new) approvers; every change updates the cards sent.
 * A request the on-call rule approved is posted too, so approvers see what went without them.
 */
export const postsApprovalCard = (change: RequestChange, request?: AccessRequest): boolean =>
  change === 'submitted' ||
  change === 'escalated' ||
  (change === 'approved' && (!!request?.autoApproval || !!request?.breakglass));

/** Changes the security channel hears about. */
export const SECURITY_CHANGES: ReadonlySet<RequestChange> = new Set([
  'activated',
  // A refused sign-in from chat: no MFA, too old, or someone else on a person's link.
  'sign_in_refused',
  'denied',
  'failed',
  'ended',
  'approval_expired',
  'escalated',
]);

/** Changes the requester hears about directly (their own actions are answered where they acted). */
export const REQUESTER_CHANGES: ReadonlySet<RequestChange> = new Set([
  'approved',
  'denied',
  'approval_expired',
  'escalated',
  'scheduled',
  'pim_approval_pending',
  'activated',
  'failed',
  'reminder',
  'ended',
  'extension_approved',
  'extension_denied',
  'extension_mfa_expired',
]);

/**
 * Whether the requester hears of this change in their chat. A request that needed no
 * approval, or that the on-call rule approved, was answered "approved" (or "starts at")
 * where it was asked, so their chat does not say it a second time.
 */
export const requesterHears = (request: AccessRequest, change: RequestChange): boolean =>
  REQUESTER_CHANGES.has(change) &&
  ((request.approval.required && !request.autoApproval) ||
    (change !== 'approved' && change !== 'scheduled'));

/**
 * The approvers who should have the card now, as policy references (emails or `group:<id>`):
 * the request's approvers, and after escalation its backups too.
 */
export const currentApprovers = (request: AccessRequest): readonly string[] =>
  request.approval.escalated
    ? [...new Set([...request.approval.approvers, ...request.approval.escalateTo])]
    : request.approval.approvers;

/**
 * Changes that send the requester an MFA sign-in link: the request started waiting for it,
 * or a sign-in for it was refused while it still waits (a fresh link, with the reason); the
 * same for an extension of an active grant.
 */
export const asksRequesterToSignIn = (request: AccessRequest, change: RequestChange): boolean =>
  (request.state === 'awaiting_mfa' &&
    (change === 'awaiting_mfa' || change === 'sign_in_refused')) ||
  (request.state === 'active' &&
    !!request.extensionStepUp &&
    (change === 'extension_awaiting_mfa' || change === 'sign_in_refused'));
