/**
 * A finding for the security channel: what happened, who, since when, and what to do. `key`
 * identifies the finding for de-duplication (the same key is not posted again within the
 * cooldown).
 */
export type AlertKind =
  | 'audit_chain_broken'
  | 'redis_record_refused'
  | 'too_frequent'
  | 'stale_account'
  | 'too_many_global_admins'
  | 'outside_pim'
  | 'activated_outside_bot'
  | 'outside_hours'
  | 'failed_activations'
  | 'policy_unknown_roles'
  /** A request approved by the on-call rule, without a person deciding. */
  | 'on_call_approved'
  /** A break-glass activation, without approval. */
  | 'breakglass_used'
  /** A refused break-glass attempt (not allowed, or a target not listed). */
  | 'breakglass_refused'
  /** Nobody acknowledged a break-glass use within breakglass.reviewWithin. */
  | 'breakglass_unacknowledged'
  /** An eligibility review finished: what was kept and what removed. */
  | 'review_completed'
  /** An eligibility review passed its due date with people undecided. */
  | 'review_overdue'
  /** A target under reviews.targets could not be reviewed (unknown name, PIM failing). */
  | 'review_failed';

export interface SecurityAlert {
  readonly kind: AlertKind;
  readonly key: string;
  readonly title: string;
  readonly details: readonly string[];
  /** What the security team should do about it. */
  readonly action: string;
  readonly since: number | null;
}
