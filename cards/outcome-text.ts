/** What people are told when a request moves, as plain text for any platform. */
import { formatDuration } from '../bot/core/domain/duration.ts';
import { type AccessRequest, grantedTargets } from '../bot/core/domain/request.ts';
import type { RequestChange } from '../bot/core/ports/notifier.ts';
import {
  approvedHow,
  clock,
  eligibilityCut,
  grantedList,
  left,
  notGranted,
  roleList,
  who,
} from './wording.ts';

export type Audience = 'requester' | 'approver' | 'security';

/**
 * Roles and group membership both reach apps through sign-in tokens and caches, so a grant
 * may show only after a fresh sign-in (group membership especially: DESIGN.md "The three
 * kinds of PIM target").
 */
function signInHint(r: AccessRequest): string {
  const groups = grantedTargets(r).some((t) => t.kind === 'group');
  const roles = grantedTargets(r).some((t) => t.kind !== 'group');
  const cached = groups ? (roles ? 'roles or group membership' : 'group membership') : 'roles';
  return `Apps that cache your ${cached} may need you to sign out and back in (or open a new private window).`;
}

export function outcomeText(
  r: AccessRequest,
  change: RequestChange,
  audience: Audience,
  facts: { readonly propagation?: number },
  now: number,
  timezone: string,
): string {
  const subject = audience === 'requester' ? 'Your' : `${who(r.requester)}'s`;
  const roles = roleList(r);
  switch (change) {
    case 'submitted':
      return `${subject} request ${r.id} for ${roles} (${formatDuration(r.durationSeconds)}) was sent to the approvers.`;
    case 'approval_added':
      return `${subject} request ${r.id} has ${r.approvals.length} of ${r.approval.quorum} approvals.`;
    case 'approved':
      return `${subject} request ${r.id} for ${roles} is approved${approvedHow(r) || ' (no approval needed)'}.`;
    case 'scheduled':
      return `${subject} request ${r.id} for ${roles} is approved and starts ${clock(r.startAt ?? now, timezone)}.`;
    case 'awaiting_mfa':
      return audience === 'requester'
        ? `${roles} needs an MFA sign-in before request ${r.id} is activated: sign in with the link by ${clock(r.stepUp?.deadline ?? now, timezone)}; nothing is granted without it.`
        : `${subject} request ${r.id} for ${roles} waits for ${who(r.requester)}'s MFA sign-in.`;
    case 'mfa_verified':
      return `${subject} MFA sign-in for request ${r.id} is verified; activating ${roles} now.`;
    case 'sign_in_refused':
      return `A sign-in for ${audience === 'requester' ? 'your' : `${who(r.requester)}'s`} request ${r.id} was refused: ${r.signInNotice?.message ?? ''}${r.state === 'awaiting_mfa' ? ` Sign in with the new link by ${clock(r.stepUp?.deadline ?? now, timezone)}.` : ''}${r.state === 'active' && r.extensionStepUp ? ` The grant is not extended; sign in with the new link by ${clock(r.extensionStepUp.deadline, timezone)}.` : ''}`;
    case 'pim_approval_pending':
      return audience === 'requester'
        ? `Entra PIM holds ${roles} for its own approvers (request ${r.id}): they are asked in chat, and it is activated as soon as one approves in PIM.`
        : `${subject} request ${r.id} for ${roles} waits for PIM's approvers.`;
    case 'activated': {
      const until = `until ${clock(r.endsAt ?? now, timezone)}${eligibilityCut(r, now, timezone)}`;
      const propagation = facts.propagation
        ? ` It can take up to ${formatDuration(facts.propagation)} to reach every service.`
        : '';
      const granted = grantedList(r);
      return audience === 'requester'
        ? `${granted} is active ${until} (request ${r.id}). ${signInHint(r)}${propagation}${notGranted(r)}`
        : `${who(r.requester)} activated ${granted} ${until}.${notGranted(r)} ${approvedHow(r) ? `Approved${approvedHow(r)}` : 'No approval needed'}. Reason: ${r.reason}${r.ticket ? ` · ticket ${r.ticket}` : ''} · request ${r.id}`;
    }
    case 'reminder':
      return `${roles} ends in ${left(r.endsAt ?? now, now)} (${clock(r.endsAt ?? now, timezone)}). Extend it with \`/elevate extend ${r.id} 30m\` or end it now with \`/elevate deactivate ${r.id}\`.`;
    case 'extended':
    case 'extension_approved':
      return `${subject} grant ${r.id} of ${roles} now ends ${clock(r.endsAt ?? now, timezone)}.`;
    case 'extension_requested':
      return `${subject} grant ${r.id} of ${roles} asks for ${formatDuration(r.extension?.seconds ?? 0)} more; the approvers have been asked. It still ends ${clock(r.endsAt ?? now, timezone)} unless they approve.`;
    case 'extension_awaiting_mfa': {
      const more = formatDuration(r.extensionStepUp?.seconds ?? 0);
      const by = clock(r.extensionStepUp?.deadline ?? now, timezone);
      const still = `It still ends ${clock(r.endsAt ?? now, timezone)} until then.`;
      return audience === 'requester'
        ? `Extending grant ${r.id} of ${roles} by ${more} needs an MFA sign-in: sign in with the link by ${by}. ${still}`
        : `${who(r.requester)}'s grant ${r.id} of ${roles} waits for their MFA sign-in to extend by ${more}. ${still}`;
    }
    case 'extension_mfa_expired':
      return `Nobody signed in with MFA in time, so ${audience === 'requester' ? 'your' : `${who(r.requester)}'s`} grant ${r.id} of ${roles} was not extended; it still ends ${clock(r.endsAt ?? now, timezone)} as planned.`;
    case 'extension_denied':
      return `The extension of ${audience === 'requester' ? 'your' : `${who(r.requester)}'s`} grant ${r.id} of ${roles} was denied; it ends ${clock(r.endsAt ?? now, timezone)} as planned.`;
    case 'denied':
      return `${subject} request ${r.id} for ${roles} was denied by ${r.denial ? who(r.denial.by) : 'an approver'}: ${r.denial?.reason ?? ''}`;
    case 'canceled':
      return `${subject} request ${r.id} for ${roles} was canceled.`;
    case 'escalated':
      if (r.breakglass)
        return `Nobody acknowledged ${audience === 'requester' ? 'your' : `${who(r.requester)}'s`} break-glass use of ${roles} (request ${r.id}) in time; the security channel and the backup approvers have been told.`;
      return `Nobody decided ${audience === 'requester' ? 'your' : `${who(r.requester)}'s`} request ${r.id} for ${roles} in time; it now goes to the backup approvers too.`;
    case 'approval_expired':
      return `${subject} request ${r.id} for ${roles} expired: nobody decided in time. Ask again if you still need it.`;
    case 'failed':
      return `${subject} request ${r.id} for ${roles} failed. ${r.failure?.message ?? ''}`;
    case 'ended': {
      const how = {
        expired: 'expired',
        deactivated: 'was deactivated',
        revoked: 'was revoked',
        overdue_removed: 'was removed (overdue)',
      };
      return `${subject} grant ${r.id} of ${roles} ${how[r.endReason ?? 'expired']}.`;
    }
  }
}
