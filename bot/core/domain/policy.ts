/**
 * Policy as the core uses it, after policy.yaml has been validated (bot/policy-file.ts) and
 * durations turned into seconds. Per-role values are already merged over the defaults.
 */
import type { PrincipalRef } from './principal.ts';
import type { ReviewsPolicy } from './review.ts';

export interface ApprovalRule {
  readonly required: boolean;
  readonly approvers: readonly PrincipalRef[];
  readonly quorum: number;
  /** Seconds until an undecided request expires. */
  readonly timeout: number;
  readonly escalateTo: readonly PrincipalRef[];
  /** Seconds: an approval counts only after an MFA sign-in this recent. Undefined: off. */
  readonly stepUp?: number;
  /** `reapprove`: extending an active grant needs the approvers again (when approval is required). */
  readonly extensions?: 'allow' | 'reapprove';
  /** Approval given by a rule instead of a person (policy approval.autoApprove). */
  readonly autoApprove?: AutoApproveRule;
}

/** Where on-call rotations are looked up (bot/core/ports/on-call.ts). */
export type OnCallProvider = 'pagerduty' | 'opsgenie';

/** One rotation whose people count as on call: a schedule, or a PagerDuty escalation policy. */
export interface OnCallSource {
  readonly provider: OnCallProvider;
  readonly kind: 'schedule' | 'escalation_policy';
  readonly id: string;
}

/**
 * `approval.autoApprove.onCall`: whoever is on call right now in one of `sources` is approved
 * at once, at most `maxPerDay` times per target in 24 hours, for at most `maxDuration`
 * seconds; anything else goes to the approvers as usual.
 */
export interface OnCallRule {
  readonly sources: readonly OnCallSource[];
  readonly maxPerDay: number;
  readonly maxDuration: number;
}

export interface AutoApproveRule {
  readonly onCall?: OnCallRule;
}

/** How an MFA sign-in from chat is checked (policy.yaml `mfa`). Durations in seconds. */
export interface MfaRule {
  /** The sign-in (`auth_time`) may be at most this old when it comes back. */
  readonly maxAge: number;
  /** How long an approved request waits for the requester's sign-in before it fails. */
  readonly timeout: number;
  /** Conditional Access authentication contexts (`c1`) the sign-in must carry in `acrs`. */
  readonly contexts: readonly string[];
}

export const DEFAULT_MFA_RULE: MfaRule = { maxAge: 5 * 60, timeout: 15 * 60, contexts: [] };

export interface RolePolicy {
  readonly maxDuration: number;
  readonly minDuration: number;
  readonly defaultDuration: number;
  readonly approval: ApprovalRule;
  readonly justification: { readonly required: boolean; readonly minLength: number };
  readonly ticket: { readonly required: boolean; readonly pattern?: string };
  readonly reminderBefore: number;
  /** Seconds a grant of this role takes to reach every service (shown to the requester). */
  readonly propagation?: number;
  /** Whether the role asks for MFA at activation (from PIM; app mode enforces it by step-up). */
  readonly mfaRequired: boolean;
  /** Absent: DEFAULT_MFA_RULE. */
  readonly mfa?: MfaRule;
  readonly mode: 'app' | 'delegated';
}

export interface RoleOverride {
  readonly aliases: readonly string[];
  readonly policy: RolePolicy;
}

/**
 * `breakglass:`: who may activate which targets at once, without approval, in an emergency.
 * Still bounded by PIM eligibility; the approvers must acknowledge each use in time.
 */
export interface BreakglassPolicy {
  /** Emails / UPNs or `group:<object id>`, like approvers. */
  readonly allowed: readonly PrincipalRef[];
  /** Targets as typed in a request: a role name, `group <name>`, `<Azure role> on <scope>`. */
  readonly targets: readonly string[];
  /** Seconds: the grant is the target's maximum duration, capped by this. */
  readonly maxDuration: number;
  /** Seconds the approvers have to acknowledge a use before it is escalated. */
  readonly reviewWithin: number;
}

export interface ChannelIds {
  readonly slack?: string;
  readonly teams?: string;
}

export interface AlertsPolicy {
  readonly scanEvery: number;
  readonly tooFrequent: { readonly count: number; readonly window: number };
  readonly staleAccounts: { readonly days: number };
  readonly tooManyGlobalAdmins: { readonly max: number; readonly percent: number };
  readonly outsideHours?: {
    readonly timezone: string;
    readonly from: string;
    readonly to: string;
    readonly days: readonly number[];
  };
  readonly cooldown: number;
}

export interface Policy {
  readonly defaults: RolePolicy;
  /** Keyed by role display name as written in policy.yaml. */
  readonly roles: ReadonlyMap<string, RoleOverride>;
  /** PIM for Groups, keyed by group display name (`groups:`); absent: none. */
  readonly groups?: ReadonlyMap<string, RoleOverride>;
  /** Azure resource roles, keyed by role name (`azureRoles:`); absent: none. */
  readonly azureRoles?: ReadonlyMap<string, RoleOverride>;
  /** Where the bot looks for Azure role eligibility (`azure.scopes`); absent: no Azure roles. */
  readonly azure?: { readonly scopes: readonly string[] };
  readonly channels: { readonly security: ChannelIds; readonly approvals: ChannelIds };
  readonly auditors: readonly PrincipalRef[];
  /** Platform user id → email, overriding the email lookup. */
  readonly identities: ReadonlyMap<string, string>;
  readonly alerts: AlertsPolicy;
  /** Every audit event is forwarded here, HMAC-signed (SIEM_SECRET). */
  readonly siem?: { readonly url: string };
  /** Break-glass (`breakglass:`); absent: `/elevate breakglass` says it is not configured. */
  readonly breakglass?: BreakglassPolicy;
  /** Eligibility reviews in chat (`reviews:`); absent: none are run. */
  readonly reviews?: ReviewsPolicy;
  /** Zone for `at 14:00` when the platform does not tell the user's own. */
  readonly timezone: string;
}

/**
 * What Entra PIM's own policy for a role demands (unifiedRoleManagementPolicy rules), as data.
 * The Graph adapter reads it; the core only combines it with policy.yaml.
 */
export interface PimRules {
  readonly maxDuration?: number;
  readonly justificationRequired: boolean;
  readonly ticketRequired: boolean;
  readonly approvalRequired: boolean;
  readonly mfaRequired: boolean;
  /** The Conditional Access authentication context PIM asks for at activation (`c1`). */
  readonly authenticationContext?: string;
  /** The user object ids PIM's approval rule names as approvers (its first stage). */
  readonly approverIds?: readonly string[];
}
