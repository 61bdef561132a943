/**
 * `/elevate whocan` as lines both platforms show: the rules with the side that makes each so,
 * who approves, and who is eligible. Plain text: names go into plain-text blocks.
 */
import { onCallText } from '../bot/core/domain/auto-approval.ts';
import { formatDuration } from '../bot/core/domain/duration.ts';
import type { PolicySide, Sourced } from '../bot/core/domain/policy-sources.ts';
import { type Target, targetLabel } from '../bot/core/domain/target.ts';
import type { EligibleRow, WhocanAnswer } from '../bot/core/usecases/whocan.ts';
import { clock } from './wording.ts';

export interface WhocanText {
  readonly title: string;
  /** Rule name → value (and where it comes from). */
  readonly rules: readonly { readonly title: string; readonly value: string }[];
  readonly approvers: string;
  readonly eligible: readonly string[];
}

const SIDES: Record<PolicySide, string> = {
  'policy.yaml': 'policy.yaml',
  PIM: 'Entra PIM',
  both: 'policy.yaml and Entra PIM',
  neither: 'neither policy.yaml nor Entra PIM',
};

const need = (rule: Sourced<boolean>, what = 'required') =>
  rule.value ? `${what} (${SIDES[rule.from]})` : `not required (${SIDES.neither})`;

export function whocanText(a: WhocanAnswer, timezone: string): WhocanText {
  const { explained } = a;
  const p = explained.policy;
  const onCall = p.approval.autoApprove?.onCall;
  const rules = [
    {
      title: 'Max duration',
      value: `${formatDuration(explained.maxDuration.value)} (${SIDES[explained.maxDuration.from]})`,
    },
    {
      title: 'Approval',
      value: explained.approval.value
        ? `${p.approval.quorum} of the approvers (${SIDES[explained.approval.from]}; quorum from policy.yaml)`
        : `not required (${SIDES.neither})`,
    },
    {
      title: 'Justification',
      value: need(explained.justification, `at least ${p.justification.minLength} characters`),
    },
    {
      title: 'Ticket',
      value: `${need(explained.ticket)}${p.ticket.pattern ? `; a ticket given must match ${p.ticket.pattern}` : ''}`,
    },
    { title: 'MFA at activation', value: need(explained.mfa) },
    ...(p.approval.stepUp !== undefined
      ? [
          {
            title: 'Approver MFA',
            value: `within ${formatDuration(p.approval.stepUp)} (policy.yaml)`,
          },
        ]
      : []),
    ...(onCall && explained.approval.value
      ? [
          {
            title: 'On-call approval',
            value: `${onCallText({ rule: 'on_call', facts: onCall.sources, at: 0 })}, up to ${formatDuration(onCall.maxDuration)}, ${onCall.maxPerDay} a day (policy.yaml)`,
          },
        ]
      : []),
  ];
  const approvers = explained.approval.value
    ? `${p.approval.approvers.join(', ') || 'nobody listed'}${p.approval.escalateTo.length > 0 ? `; then ${p.approval.escalateTo.join(', ')}` : ''}`
    : 'nobody needs to approve';
  const eligible =
    a.eligible === null
      ? ['The PIM connection cannot list eligibility by role.']
      : a.eligible.length === 0
        ? ['Nobody is eligible in Entra PIM.']
        : [
            ...a.eligible.map(
              (e) =>
                `${e.name}${e.email ? ` (${e.email})` : ''}${where(e, a.target)}, ${e.endsAt === null ? 'permanent' : `until ${clock(e.endsAt, timezone)}`}`,
            ),
            ...(a.eligibleCount > a.eligible.length
              ? [`… and ${a.eligibleCount - a.eligible.length} more`]
              : []),
          ];
  return { title: `Who can activate ${whocanLabel(a.target)}`, rules, approvers, eligible };
}

/**
 * The target with its kind: `Exchange Administrator`, `PIM group Payments Oncall (member)`,
 * `Contributor on rg-payments (Azure)`.
 */
export function whocanLabel(t: Target): string {
  if (t.kind === 'group') return `PIM group ${t.name} (${t.access ?? 'member'})`;
  if (t.kind === 'azure_role') return `${targetLabel(t)} (Azure)`;
  return t.scope === '/' ? t.name : `${t.name} on ${t.scope}`;
}

/** A row's scope when it is not the target's: an AU, or a scope above an Azure role's. */
function where(e: EligibleRow, t: Target): string {
  if (e.scope.toLowerCase() === t.scope.toLowerCase()) return '';
  return e.scopeName ? ` on ${e.scopeName} (${e.scope})` : ` on ${e.scope}`;
}
