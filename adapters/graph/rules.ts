/**
 * PIM's role management policy rules (unifiedRoleManagementPolicy) as the core's PimRules.
 * The end-user activation rules are the ones that describe activating the role, which is
 * what the bot does on a person's behalf.
 */
import { parseDuration } from '../../bot/core/domain/duration.ts';
import type { PimRules } from '../../bot/core/domain/policy.ts';

export interface PolicyRule {
  readonly '@odata.type'?: string;
  readonly id: string;
  readonly maximumDuration?: string | null;
  readonly enabledRules?: readonly string[] | null;
  readonly setting?: {
    readonly isApprovalRequired?: boolean | null;
    readonly approvalStages?: readonly {
      /** Graph names an approver's `userId`, ARM its `id`. */
      readonly primaryApprovers?:
        | readonly { readonly userId?: string | null; readonly id?: string | null }[]
        | null;
    }[];
  } | null;
  /** AuthenticationContext rules: a Conditional Access context, in practice an MFA demand. */
  readonly isEnabled?: boolean | null;
  /** Which context (`c1`) an enabled AuthenticationContext rule asks for. */
  readonly claimValue?: string | null;
}

export function pimRules(rules: readonly PolicyRule[]): PimRules {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const expiration = byId.get('Expiration_EndUser_Assignment')?.maximumDuration;
  // An ISO duration Graph may write in a form we do not read (P1Y) leaves the maximum to
  // PIM, which still refuses a longer grant (graph.duration_rejected).
  const max = expiration ? parseDuration(expiration) : null;
  const enabled = new Set(byId.get('Enablement_EndUser_Assignment')?.enabledRules ?? []);
  const context = byId.get('AuthenticationContext_EndUser_Assignment');
  const claim = context?.isEnabled === true ? context.claimValue : null;
  const approval = byId.get('Approval_EndUser_Assignment')?.setting;
  const approverIds = (approval?.approvalStages?.[0]?.primaryApprovers ?? []).flatMap((a) => {
    const id = a.userId ?? a.id;
    return id ? [id] : [];
  });
  return {
    ...(approverIds.length > 0 ? { approverIds } : {}),
    ...(claim ? { authenticationContext: claim } : {}),
    ...(max ? { maxDuration: max } : {}),
    justificationRequired: enabled.has('Justification'),
    ticketRequired: enabled.has('Ticketing'),
    mfaRequired:
      enabled.has('MultiFactorAuthentication') ||
      byId.get('AuthenticationContext_EndUser_Assignment')?.isEnabled === true,
    approvalRequired: approval?.isApprovalRequired === true,
  };
}
