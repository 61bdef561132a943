/**
 * What directory-role and group schedule requests share: reading `scheduleInfo` as PIM does,
 * and PIM's policy rules for admin and self requests.
 */
import type { StandInPolicy } from '../tenant.ts';
import { isoSeconds } from './call.ts';
import { type GraphErrorReply, graphError } from './errors.ts';

export interface RequestedSchedule {
  readonly start: number;
  /** null: no expiration asked for. */
  readonly seconds: number | null;
}

/** The start and length a request asks for, or PIM's 400 for a schedule it cannot read. */
export function requestedSchedule(
  b: Record<string, unknown>,
  now: number,
  cid?: string,
): RequestedSchedule | GraphErrorReply {
  const schedule = (b.scheduleInfo ?? {}) as {
    startDateTime?: string;
    expiration?: { type?: string; duration?: string; endDateTime?: string };
  };
  const start = schedule.startDateTime ? Date.parse(schedule.startDateTime) : now;
  if (Number.isNaN(start))
    return graphError(400, 'BadRequest', 'scheduleInfo.startDateTime is not a date.', cid);
  const type = (schedule.expiration?.type ?? 'noExpiration').toLowerCase();
  if (type === 'afterduration') {
    const seconds = isoSeconds(schedule.expiration?.duration ?? '');
    return seconds === null
      ? graphError(400, 'BadRequest', `Invalid duration '${schedule.expiration?.duration}'.`, cid)
      : { start, seconds };
  }
  if (type === 'afterdatetime')
    return { start, seconds: (Date.parse(schedule.expiration?.endDateTime ?? '') - start) / 1000 };
  if (type === 'noexpiration') return { start, seconds: null };
  return graphError(
    400,
    'BadRequest',
    `Invalid expiration type '${schedule.expiration?.type}'.`,
    cid,
  );
}

export const isReply = (x: RequestedSchedule | GraphErrorReply): x is GraphErrorReply =>
  'status' in x;

/** The policy rules a request breaks (`EligibilityRule`, `ExpirationRule`, …), in PIM's words. */
export function failedPolicyRules(input: {
  readonly body: Record<string, unknown>;
  readonly policy: StandInPolicy;
  readonly self: boolean;
  readonly seconds: number | null;
  /** Self requests only: whether the caller's token says MFA (`amr`). */
  readonly mfa?: boolean;
  /** Self requests only: whether the principal holds an eligibility to activate. */
  readonly eligible: boolean;
}): string[] {
  const { body: b, policy, self, seconds } = input;
  const failed: string[] = [];
  const max =
    isoSeconds(
      (self ? policy.maximumDuration : policy.adminMaximumDuration) ?? (self ? 'PT8H' : 'P365D'),
    ) ?? 0;
  const justified = typeof b.justification === 'string' && b.justification.trim() !== '';
  if (self) {
    if (!input.eligible) failed.push('EligibilityRule');
    if (policy.mfa && !input.mfa) failed.push('MfaRule');
    if (policy.ticketing && !(b.ticketInfo as { ticketNumber?: string } | undefined)?.ticketNumber)
      failed.push('TicketingRule');
  }
  if ((self ? policy.justification : policy.adminJustification) && !justified)
    failed.push('JustificationRule');
  if (seconds === null ? self : seconds > max) failed.push('ExpirationRule');
  return failed;
}
