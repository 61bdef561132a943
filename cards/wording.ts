/**
 * What the bot says about a request, in words both chat platforms use: times in the reader's
 * zone, durations, roles, where a request stands and what just happened to it.
 */
import { DateTime } from 'luxon';
import { onCallText } from '../bot/core/domain/auto-approval.ts';
import { formatDuration } from '../bot/core/domain/duration.ts';
import { cutByEligibility } from '../bot/core/domain/eligibility.ts';
import { type AccessRequest, grantedTargets } from '../bot/core/domain/request.ts';
import { type Target, targetLabel } from '../bot/core/domain/target.ts';
import type { RoleRow } from '../bot/core/usecases/queries.ts';

export const clock = (ms: number, timezone: string): string =>
  DateTime.fromMillis(ms, { zone: timezone }).toFormat('ccc d LLL HH:mm ZZZZ');

export const left = (ms: number, now: number): string =>
  formatDuration(Math.max(0, Math.round((ms - now) / 1000)));

/** A target as people read it: `Exchange Administrator`, `group Payments Oncall (owner)`, `Contributor on rg-payments`. */
export const targetText = (t: Target): string =>
  t.kind === 'group'
    ? `group ${targetLabel(t)}`
    : t.kind === 'directory_role' && t.scope !== '/'
      ? `${t.name} on ${t.scope}`
      : targetLabel(t);

/** The label of the target list: `Role`/`Roles` for directory roles only, `Access` otherwise. */
export const targetsTitle = (r: { readonly targets: readonly Target[] }): string =>
  r.targets.every((t) => t.kind === 'directory_role')
    ? r.targets.length > 1
      ? 'Roles'
      : 'Role'
    : 'Access';

export const roleList = (r: { readonly targets: readonly Target[] }): string =>
  r.targets.map(targetText).join(', ');

/** What was granted, when PIM refused part of the request: the granted targets only. */
export const grantedList = (r: AccessRequest): string =>
  grantedTargets(r).map(targetText).join(', ');

/** ` Not granted: group X (PIM refused …).` for the targets that failed while others stand. */
export const notGranted = (r: AccessRequest): string =>
  r.failedTargets?.length ? ` Not granted: ${r.failedTargets.map((f) => f.message).join(' ')}` : '';

export const who = (p: { displayName: string; email?: string }): string =>
  p.displayName || p.email || 'someone';

/**
 * ` (cut: the eligibility ends Mon 23 Nov 10:50 CET)` when the requester's eligibility ends
 * before the asked duration would, so approvers and the requester see the shorter grant.
 */
export function eligibilityCut(r: AccessRequest, now: number, timezone: string): string {
  const from = r.activatedAt ?? r.startAt ?? now;
  if (r.eligibleUntil == null || !cutByEligibility(r, from)) return '';
  return ` (cut: the eligibility in Entra PIM ends ${clock(r.eligibleUntil, timezone)})`;
}

/** States whose status line already names the approvers. */
const APPROVERS_SAID = new Set([
  'submitted',
  'pending_approval',
  'approved',
  'scheduled',
  'awaiting_mfa',
]);

/** Everyone who approved, in order: "Bob Approver, Carol Approver". */
export const approverNames = (r: AccessRequest): string =>
  r.approvals.map((a) => who(a.by)).join(', ');

/**
 * How the approval came about, after "Approved": ` by Bob Approver`, or `: on call in
 * PagerDuty schedule Payments (PABC123)` when the on-call rule approved it; '' for nobody.
 */
export function approvedHow(r: AccessRequest): string {
  if (r.autoApproval) return `: ${onCallText(r.autoApproval)}`;
  return r.approvals.length > 0 ? ` by ${approverNames(r)}` : '';
}

/**
 * The status line of a card, with who approved it on the record once the status line itself
 * no longer says so (activating, active, ended, failed).
 */
export function cardStatus(r: AccessRequest, now: number, timezone: string): string {
  const status = `${breakglassLine(r, timezone)}${statusLine(r, now, timezone)}`;
  const approved = approvedHow(r);
  const note = r.autoApprovalNote && r.state === 'pending_approval' ? ` ${r.autoApprovalNote}` : '';
  return approved === '' || APPROVERS_SAID.has(r.state)
    ? `${status}${note}`
    : `${status} Approved${approved}.`;
}

/** Break-glass: granted without approval, so the approvers acknowledge it (or it escalates). */
export function breakglassLine(r: AccessRequest, timezone: string): string {
  const mark = r.breakglass;
  if (!mark) return '';
  if (mark.acknowledgedBy)
    return `BREAK-GLASS, acknowledged by ${who(mark.acknowledgedBy)} ${clock(mark.acknowledgedAt ?? mark.reviewBy, timezone)}. `;
  if (mark.escalatedAt !== null)
    return 'BREAK-GLASS, not acknowledged in time: escalated to the security channel and the backup approvers. ';
  return `BREAK-GLASS, activated without approval: an approver must acknowledge it by ${clock(mark.reviewBy, timezone)}. `;
}

/** A break-glass use nobody has acknowledged yet: its cards carry Acknowledge. */
export const awaitingAcknowledgement = (r: AccessRequest): boolean =>
  !!r.breakglass && !r.breakglass.acknowledgedBy;

/** The card's title: who asks for what, or a break-glass use. */
export const cardTitle = (r: AccessRequest): string =>
  r.breakglass
    ? `BREAK-GLASS: ${who(r.requester)} activated ${roleList(r)} without approval`
    : `${who(r.requester)} asks for ${roleList(r)}`;

/** Whether approvers can act on it now: a new request, or more time for an active grant. */
export const awaitingDecision = (r: AccessRequest): boolean =>
  r.state === 'pending_approval' || (r.state === 'active' && !!r.extension);

/** One line saying where the request stands (plain text: names and reasons inside it). */
export function statusLine(r: AccessRequest, now: number, timezone: string): string {
  const line = stateLine(r, now, timezone);
  const notice = r.signInNotice;
  return notice ? `${line} ${who(notice.by)}'s sign-in was refused: ${notice.message}` : line;
}

function stateLine(r: AccessRequest, now: number, timezone: string): string {
  const approvers = r.approvals.map((a) => who(a.by)).join(', ');
  switch (r.state) {
    case 'submitted':
    case 'pending_approval':
      return `Waiting for approval: ${r.approvals.length} of ${r.approval.quorum}${approvers ? ` (approved by ${approvers})` : ''}.`;
    case 'approved':
      return r.approval.required
        ? `Approved${approvedHow(r)}. Activating…`
        : 'No approval needed. Activating…';
    case 'scheduled':
      return `Approved${approvedHow(r)}. Starts ${clock(r.startAt ?? now, timezone)}.`;
    case 'awaiting_mfa':
      return `${r.approval.required ? `Approved${approvedHow(r)}` : 'No approval needed'}. Waiting for ${who(r.requester)}'s MFA sign-in until ${clock(r.stepUp?.deadline ?? now, timezone)}.`;
    case 'activating':
      return 'Activating in Entra PIM…';
    case 'active':
      return `Active until ${clock(r.endsAt ?? now, timezone)} (${left(r.endsAt ?? now, now)} left).${
        r.extension
          ? ` Asks to extend by ${formatDuration(r.extension.seconds)}: ${r.extension.approvals.length} of ${r.approval.quorum} approvals.`
          : r.extensionStepUp
            ? ` Extending by ${formatDuration(r.extensionStepUp.seconds)} waits for ${who(r.requester)}'s MFA sign-in until ${clock(r.extensionStepUp.deadline, timezone)}.`
            : ''
      }${notGranted(r)}`;
    case 'denied':
      return `Denied by ${r.denial ? who(r.denial.by) : 'an approver'}: ${r.denial?.reason ?? ''}`;
    case 'canceled':
      return 'Canceled by the requester.';
    case 'approval_expired':
      return 'Nobody decided in time; the request expired.';
    case 'failed':
      return `Failed: ${r.failure?.message ?? 'activation failed'}`;
    case 'rejected':
      return 'Rejected by policy.';
    case 'ended': {
      const how = {
        expired: 'Expired',
        deactivated: 'Deactivated early',
        revoked: 'Revoked',
        overdue_removed: 'Removed (overdue)',
      };
      return `${how[r.endReason ?? 'expired']} at ${clock(r.endedAt ?? now, timezone)}.`;
    }
  }
}

/**
 * One past request for `history`: asked when, id, requester, roles and scope, duration, when
 * it started, where it stands (end or time left, or the outcome), approvers, ticket, reason.
 */
export function historyLine(r: AccessRequest, now: number, timezone: string): string {
  const start = r.activatedAt ?? null;
  const approvers = r.breakglass
    ? breakglassLine(r, timezone).trim().replace(/[.:]$/, '')
    : APPROVERS_SAID.has(r.state)
      ? null
      : approvedHow(r) !== ''
        ? `approved${approvedHow(r)}`
        : r.approval.required
          ? null
          : 'no approval needed';
  return [
    clock(r.createdAt, timezone),
    r.id,
    who(r.requester),
    roleList(r),
    formatDuration(r.durationSeconds),
    start === null ? null : `started ${clock(start, timezone)}`,
    statusLine(r, now, timezone),
    approvers,
    r.ticket ? `ticket ${r.ticket}` : null,
    `reason: ${r.reason}`,
  ]
    .filter((part) => part !== null)
    .join(' · ');
}

/** One line of `/elevate roles`: how to ask for it and what applies. */
export function roleRowText(r: RoleRow, timezone: string): string {
  const where =
    r.kind === 'azure_role'
      ? ` (${r.scope})`
      : r.kind === 'directory_role' && r.scope !== '/'
        ? ` on ${r.scope}`
        : '';
  const approval = r.approval ? `${r.quorum} approval${r.quorum > 1 ? 's' : ''}` : 'no approval';
  const until = r.eligibleUntil ? `, eligible until ${clock(r.eligibleUntil, timezone)}` : '';
  const mfa = r.needsMfa
    ? r.mfaFromChat
      ? ', needs an MFA sign-in'
      : ', needs MFA — not available from chat yet'
    : '';
  return `${r.typed}${where}: up to ${formatDuration(r.maxDuration)}, ${approval}${until}${mfa}`;
}
