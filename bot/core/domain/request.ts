/**
 * An access request and the states it moves through (DESIGN.md "Request lifecycle").
 * Times are epoch milliseconds; durations are seconds.
 */
import type { OnCallSource } from './policy.ts';
import type { Principal, PrincipalRef } from './principal.ts';
import { sameTarget, type Target } from './target.ts';

export type RequestState =
  | 'submitted'
  | 'rejected'
  | 'pending_approval'
  | 'approved'
  | 'denied'
  | 'canceled'
  | 'approval_expired'
  | 'scheduled'
  /** Approved; waits for the requester's MFA sign-in (DESIGN.md "Sign-in from chat"). */
  | 'awaiting_mfa'
  | 'activating'
  | 'active'
  | 'failed'
  | 'ended';

export type EndReason = 'expired' | 'deactivated' | 'revoked' | 'overdue_removed';
export type Platform = 'slack' | 'teams' | 'sandbox';

export const TERMINAL_STATES: ReadonlySet<RequestState> = new Set([
  'rejected',
  'denied',
  'canceled',
  'approval_expired',
  'failed',
  'ended',
]);

export interface Decision {
  readonly by: Principal;
  readonly at: number;
  readonly reason?: string;
}

/** The approval facts fixed at submission, so a later policy edit cannot change a decision. */
export interface ApprovalSnapshot {
  readonly required: boolean;
  readonly approvers: readonly PrincipalRef[];
  readonly quorum: number;
  readonly timeoutAt: number | null;
  /** Backup approvers asked when nobody decided in time (policy approval.escalateTo). */
  readonly escalateTo: readonly PrincipalRef[];
  readonly escalated: boolean;
  /** Seconds each approval round may take. */
  readonly timeoutSeconds: number;
  /** Seconds: an Approve counts only after the approver's MFA sign-in this recent. */
  readonly stepUp?: number;
}

/** More time asked for an active grant, waiting for the approvers (policy extensions: reapprove). */
export interface PendingExtension {
  readonly seconds: number;
  readonly askedAt: number;
  readonly approvals: readonly Decision[];
}

export interface Failure {
  readonly code: string;
  readonly message: string;
}

/** One target of a request that PIM refused while the others were granted. */
export interface TargetFailure extends Failure {
  readonly target: Target;
}

/**
 * More time for an active grant that waits for the requester's MFA sign-in (the role needs
 * MFA; after the approvers where `extensions: reapprove`). Until it comes the grant keeps its end.
 */
export interface ExtensionStepUp {
  readonly seconds: number;
  /** When it started waiting: a sign-in link is bound to this one extension by it. */
  readonly askedAt: number;
  readonly deadline: number;
}

/** The requester's MFA step-up: until when the sign-in may come, and when it did. */
export interface StepUp {
  readonly deadline: number;
  readonly verifiedAt: number | null;
}

/** The last sign-in from chat that was refused for this request, shown on its cards. */
export interface SignInNotice {
  readonly by: Principal;
  readonly at: number;
  readonly message: string;
}

/** A rotation the requester was found on call in, with its name when the provider gave one. */
export interface OnCallFact extends OnCallSource {
  readonly name?: string;
}

/**
 * An approval made by a rule, not a person (policy approval.autoApprove): the requester was on
 * call, checked at `at`. It stands in for the approvers' decisions; `approvals` stays empty.
 */
export interface AutoApproval {
  readonly rule: 'on_call';
  /** One rotation per role that needed approval (the same one when they share it). */
  readonly facts: readonly OnCallFact[];
  readonly at: number;
}

/**
 * A break-glass activation (`/elevate breakglass`): granted without approval, so the
 * approvers must acknowledge it by `reviewBy`; otherwise it is escalated to the security
 * channel and the backup approvers.
 */
export interface BreakglassMark {
  readonly reviewBy: number;
  readonly acknowledgedBy: Principal | null;
  readonly acknowledgedAt: number | null;
  /** When the missing acknowledgement was escalated; null: not (yet). */
  readonly escalatedAt: number | null;
}

/**
 * Delegated mode: PIM's own policy for the target requires approval, so the self-activation
 * waits in PIM (`PendingApproval`) for the approvers PIM names. An approver decides from chat
 * with their own sign-in; the decision is recorded in PIM with their token.
 */
export interface PimApprovalWait {
  readonly target: Target;
  readonly approvalId: string;
  /** Object ids of the approvers PIM's approval rule names. */
  readonly approverIds: readonly string[];
  readonly askedAt: number;
  readonly decidedBy: Principal | null;
  readonly decision: 'approve' | 'deny' | null;
}

export interface AccessRequest {
  readonly id: string;
  /** Bumped by every transition; the store's compare-and-set checks it. */
  readonly version: number;
  readonly state: RequestState;
  readonly platform: Platform;
  readonly requester: Principal;
  readonly targets: readonly Target[];
  readonly durationSeconds: number;
  /** Requested start; null means as soon as approved. */
  readonly startAt: number | null;
  readonly reason: string;
  readonly ticket: string | null;
  readonly approval: ApprovalSnapshot;
  readonly approvals: readonly Decision[];
  readonly denial: Decision | null;
  readonly canceledBy: Principal | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly activatedAt: number | null;
  readonly endsAt: number | null;
  readonly endedAt: number | null;
  readonly endReason: EndReason | null;
  readonly failure: Failure | null;
  /**
   * When the requester's eligibility for these targets ends (the earliest over targets),
   * read at submission and again when activation starts; null or absent: permanent. The
   * grant is cut to end by then.
   */
  readonly eligibleUntil?: number | null;
  /** An extension waiting for approval; absent or null when none. */
  readonly extension?: PendingExtension | null;
  /** Set once the request needed the requester's MFA sign-in; absent or null otherwise. */
  readonly stepUp?: StepUp | null;
  /** An extension waiting for the requester's MFA sign-in; absent or null when none. */
  readonly extensionStepUp?: ExtensionStepUp | null;
  readonly signInNotice?: SignInNotice | null;
  /** Targets that failed at activation while others were granted; absent or null: none. */
  readonly failedTargets?: readonly TargetFailure[] | null;
  /** Approved by the on-call rule; absent or null when people decided (or nobody had to). */
  readonly autoApproval?: AutoApproval | null;
  /**
   * Why the on-call rule did not approve a request that it could have (over the daily cap,
   * too long, the on-call service failing), shown to the approvers; absent or null otherwise.
   */
  readonly autoApprovalNote?: string | null;
  /** Activated by break-glass, without approval; absent or null for every other request. */
  readonly breakglass?: BreakglassMark | null;
  /** Delegated mode: the self-activation waits for PIM's own approvers; absent or null: not. */
  readonly pimApproval?: PimApprovalWait | null;
}

export const isTerminal = (r: AccessRequest): boolean => TERMINAL_STATES.has(r.state);
export const roleNames = (r: AccessRequest): string[] => r.targets.map((t) => t.name);

/** The targets PIM granted (or will grant): all of them but those that failed at activation. */
export const grantedTargets = (r: AccessRequest): readonly Target[] =>
  r.failedTargets?.length
    ? r.targets.filter((t) => !r.failedTargets?.some((f) => sameTarget(f.target, t)))
    : r.targets;
