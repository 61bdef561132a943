/**
 * Audit events: an append-only, hash-chained record of everything that happened. The store
 * assigns `seq`, `prevHash` and `hash`; callers give the rest.
 */
import type { Principal } from './principal.ts';
import type { Platform, RequestState } from './request.ts';
import type { Target } from './target.ts';

export type AuditAction =
  | 'request.submitted'
  | 'request.rejected'
  | 'request.approved'
  /** Approved by the on-call rule (policy approval.autoApprove.onCall), with the on-call fact. */
  | 'request.auto_approved'
  /** The on-call rule could have approved but did not (cap, duration, service failing). */
  | 'request.auto_approval_skipped'
  | 'request.denied'
  | 'request.canceled'
  | 'request.approval_expired'
  | 'request.escalated'
  | 'request.scheduled'
  | 'request.awaiting_mfa'
  | 'request.mfa_verified'
  | 'request.sign_in_refused'
  | 'request.sign_in_renewed'
  | 'request.approver_mfa_verified'
  | 'grant.activating'
  | 'grant.activated'
  /** Delegated mode: PIM holds the self-activation for the approvers its policy names. */
  | 'grant.pim_approval_pending'
  /** An approver decided PIM's approval from chat, with their own sign-in. */
  | 'grant.pim_reviewed'
  | 'grant.failed'
  | 'grant.extended'
  | 'grant.extension_requested'
  | 'grant.extension_approval_added'
  | 'grant.extension_denied'
  | 'grant.extension_awaiting_mfa'
  | 'grant.extension_mfa_expired'
  | 'grant.ended'
  /** An end asked for before the provider allows it (ARM: 5 minutes): moved to when it may. */
  | 'grant.end_deferred'
  /** Activated by break-glass, without approval (the request is marked break-glass). */
  | 'request.breakglass'
  /** Someone not allowed, or a target not listed, tried break-glass; nothing was granted. */
  | 'breakglass.refused'
  | 'request.breakglass_acknowledged'
  /** Nobody acknowledged a break-glass use in time (breakglass.reviewWithin). */
  | 'request.breakglass_escalated'
  /** An eligibility review began: who is eligible, who reviews, when it is due. */
  | 'review.started'
  | 'review.kept'
  /** A reviewer removed the eligibility; PIM has ended it. */
  | 'review.removed'
  /** A Remove that PIM refused: the eligibility stands, the person is still undecided. */
  | 'review.remove_failed'
  | 'review.reminded'
  | 'review.overdue'
  | 'review.completed'
  | 'history.refused'
  | 'history.exported';

export interface AuditEventInput {
  readonly at: number;
  readonly action: AuditAction;
  readonly requestId: string | null;
  /** Who did it; null when the bot itself acted (timers, reconcile). */
  readonly actor: Principal | null;
  readonly requester: Principal | null;
  readonly targets: readonly Target[];
  readonly state: RequestState | null;
  readonly reason: string | null;
  readonly ticket: string | null;
  readonly platform: Platform | null;
  /** Free-form facts worth keeping (error code, approvers, duration). */
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuditEvent extends AuditEventInput {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}
