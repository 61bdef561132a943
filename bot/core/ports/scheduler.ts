export type JobName =
  | 'activate'
  | 'verify'
  | 'remind'
  | 'expire'
  | 'approval-timeout'
  /** The deadline of the backup approvers, after an escalation. */
  | 'escalation-timeout'
  /** The requester's MFA sign-in did not come in time (policy mfa.timeout). */
  | 'mfa-timeout'
  /** The approvers' deadline to acknowledge a break-glass use (policy breakglass.reviewWithin). */
  | 'breakglass-review'
  /** An eligibility review's undecided people are re-sent once (the id is the review's). */
  | 'review-remind'
  /** An eligibility review's due date: what is undecided goes to the security channel. */
  | 'review-due';

/**
 * Time-driven work. Jobs carry only the request id and re-read the request when they run; a
 * job scheduled twice for the same request runs once (ids are `<job>-<requestId>`).
 */
export interface Scheduler {
  schedule(job: JobName, requestId: string, runAt: number): Promise<void>;
  cancel(job: JobName, requestId: string): Promise<void>;
}
