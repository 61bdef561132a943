/**
 * Delegated mode, PIM's own approval: what its approvers are asked in their chat, and what
 * the message says once PIM has decided. Plain text.
 */
import { formatDuration } from '../bot/core/domain/duration.ts';
import type { AccessRequest } from '../bot/core/domain/request.ts';
import { targetLabel } from '../bot/core/domain/target.ts';
import { who } from './wording.ts';

export function pimApprovalText(r: AccessRequest): string {
  const wait = r.pimApproval;
  const role = wait ? targetLabel(wait.target) : r.targets.map(targetLabel).join(', ');
  const asked = `${who(r.requester)} asks for ${role} for ${formatDuration(r.durationSeconds)} (request ${r.id}): ${r.reason}`;
  if (wait?.decision)
    return `${asked}\n${wait.decision === 'approve' ? 'Approved' : 'Denied'} in Entra PIM by ${wait.decidedBy?.displayName ?? 'an approver'}.`;
  if (r.state !== 'activating')
    return `${asked}\nNo longer waiting for PIM's approval (${r.state.replace('_', ' ')}).`;
  return `${asked}\nEntra PIM requires its approvers to decide, and lists you. Approve or deny with your own sign-in: your decision is recorded in PIM.`;
}
