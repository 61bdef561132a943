/**
 * Authenticates what the bot keeps in Redis. Whoever can write Redis can change any record,
 * cache entry or job payload; a seal (an HMAC under a key that is not in Redis) makes such a
 * change visible, and a record whose seal does not check is refused, never acted on.
 *
 * A seal is bound to `name` (the Redis key, or the queue, job name and job id), so a sealed
 * record cannot be moved to another key either.
 */
export type SealPurpose = 'record' | 'job';

export interface IntegrityIncident {
  /**
   * What failed its check: a request record, an identity-cache entry, a Teams conversation
   * reference, a job, the audit trail.
   */
  readonly kind: 'request' | 'identity' | 'conversation' | 'sign-in' | 'job' | 'audit' | 'review';
  /** The Redis key or job id. */
  readonly name: string;
  readonly problem: string;
}

export interface Integrity {
  seal(purpose: SealPurpose, name: string, text: string): string;
  /** True when `seal` is the seal of `text` under `name`. */
  check(purpose: SealPurpose, name: string, text: string, seal: string): boolean;
  /** Reports a refused record (log, metric, security channel: whatever the process wired). */
  refused(incident: IntegrityIncident): void;
}
