import type { JobName } from '../bot/core/ports/scheduler.ts';

/** The request timers, one BullMQ queue each so each keeps its own retry policy. */
export const REQUEST_JOBS: readonly JobName[] = [
  'activate',
  'verify',
  'remind',
  'expire',
  'approval-timeout',
  'escalation-timeout',
  'mfa-timeout',
  'breakglass-review',
  'review-remind',
  'review-due',
];

/** BullMQ refuses `:` in ids and all-digit ids; request ids are neither, so this is safe. */
export const jobId = (job: JobName, requestId: string): string => `${job}-${requestId}`;

export const queueName = (job: JobName): string => `elevate-${job}`;

export interface JobData {
  readonly requestId: string;
  /** Seal over queue, name, id and request id (payload-seal.ts); set when scheduled with a key. */
  readonly mac?: string;
}

/**
 * Attempts per job. Backoff is exponential from 1 s and capped (see workers.ts), so even the
 * long-lived expire job keeps trying for hours: Entra ends the assignment on its own, the
 * expire job is the second lock and must not give up early.
 */
export const ATTEMPTS: Readonly<Record<JobName, number>> = {
  activate: 6,
  verify: 8,
  remind: 3,
  expire: 40,
  'approval-timeout': 10,
  'escalation-timeout': 10,
  'mfa-timeout': 10,
  'breakglass-review': 10,
  'review-remind': 10,
  'review-due': 10,
};
