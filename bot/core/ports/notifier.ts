import type { SecurityAlert } from '../domain/alert.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { Review, ReviewChange } from '../domain/review.ts';

/** What just happened to a request, so a channel can say it in words. */
export type RequestChange =
  | 'submitted'
  | 'approval_added'
  | 'approved'
  | 'denied'
  | 'canceled'
  | 'approval_expired'
  | 'escalated'
  | 'scheduled'
  /** Waits for the requester's MFA sign-in: they get the link. */
  | 'awaiting_mfa'
  | 'mfa_verified'
  /** A sign-in from chat was refused; the cards say why (and the requester gets a new link). */
  | 'sign_in_refused'
  /** Delegated mode: PIM holds the self-activation for its own approvers, who are asked. */
  | 'pim_approval_pending'
  | 'activated'
  | 'failed'
  | 'extended'
  | 'extension_requested'
  | 'extension_approved'
  | 'extension_denied'
  /** An extension waits for the requester's MFA sign-in: they get the link. */
  | 'extension_awaiting_mfa'
  /** Nobody signed in for the extension in time: the grant keeps its end. */
  | 'extension_mfa_expired'
  | 'reminder'
  | 'ended';

/**
 * Chat output. A message is a projection of the stored request: implementations render it
 * from `request` and update every card already sent for it.
 */
export interface Notifier {
  /**
   * `occurrence` names this one change (request, change, version) when a delivery may be
   * retried, so that a retry never posts the same message twice.
   */
  requestChanged(request: AccessRequest, change: RequestChange, occurrence?: string): Promise<void>;
  /** A finding for the security channel on every platform. */
  securityAlert(alert: SecurityAlert, occurrence?: string): Promise<void>;
  /**
   * An eligibility review's cards: posted to each reviewer on `started` (and again, as new
   * messages, on `reminded`), re-rendered in place on every other change.
   */
  reviewChanged(review: Review, change: ReviewChange): Promise<void>;
}
