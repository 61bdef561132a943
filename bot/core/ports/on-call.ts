/**
 * "Is this person on call in these rotations right now?" — asked of PagerDuty or Opsgenie by
 * the adapters in adapters/oncall/. The core only reads the answer: on-call approval fails
 * closed, so anything but a clear "yes" leaves the request to the approvers.
 */
import type { OnCallProvider, OnCallSource } from '../domain/policy.ts';
import type { OnCallFact } from '../domain/request.ts';

/** A provider that could not answer, in words for the approvers and the log. */
export interface OnCallFailure {
  readonly provider: OnCallProvider;
  /** e.g. `PagerDuty did not answer within 5s`; never carries the token. */
  readonly message: string;
}

export interface OnCallAnswer {
  /** The rotations among those asked where the person is on call now. */
  readonly onCall: readonly OnCallFact[];
  /** Providers that failed; the rotations they hold count as "not on call". */
  readonly failures: readonly OnCallFailure[];
}

export interface OnCallLookup {
  /** `email` is the person's email/UPN, compared case-insensitively with the provider's. */
  onCall(email: string, sources: readonly OnCallSource[]): Promise<OnCallAnswer>;
}
