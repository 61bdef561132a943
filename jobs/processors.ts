import { UnrecoverableError } from 'bullmq';
import type { JobName } from '../bot/core/ports/scheduler.ts';
import { activate } from '../bot/core/usecases/activate.ts';
import { breakglassReviewDue } from '../bot/core/usecases/breakglass.ts';
import type { CoreDeps } from '../bot/core/usecases/deps.ts';
import { end } from '../bot/core/usecases/end.ts';
import { reminderAt } from '../bot/core/usecases/grant-timers.ts';
import { reviewDue, reviewReminder } from '../bot/core/usecases/reviews.ts';
import { mfaTimedOut } from '../bot/core/usecases/step-up.ts';
import {
  abandonActivation,
  approvalTimedOut,
  assignmentsVisible,
  expireApproval,
  remind,
} from '../bot/core/usecases/timers.ts';

export interface Attempt {
  /** A later attempt of the same job (the previous one threw or its worker died). */
  readonly retry: boolean;
  /** No attempt follows this one. */
  readonly last: boolean;
}

/**
 * A grant's reminder or expiry that runs before the grant's own time: a far timer or a job's
 * delay rewritten in Redis, a timer left from before an extension. It waits until `at` (the
 * caller moves the job there) instead of ending or reminding early: the sealed request, not
 * the timer, says when.
 */
export class NotYet extends Error {
  readonly at: number;
  constructor(at: number) {
    super(`not due until ${new Date(at).toISOString()}`);
    this.at = at;
  }
}

/** How early a timer may run (clocks of two hosts, BullMQ's own promptness). */
const EARLY_MS = 2_000;

async function dueCheck(deps: CoreDeps, name: 'remind' | 'expire', requestId: string) {
  const request = await deps.store.get(requestId);
  if (request?.state !== 'active' || request.endsAt === null) return;
  const at = name === 'expire' ? request.endsAt : reminderAt(deps, request, request.endsAt);
  if (at - deps.clock.now() > EARLY_MS) throw new NotYet(at);
}

/** Codes that mean "this job has nothing left to do", not a failure. */
const SETTLED = new Set([
  'request.not_found',
  'request.wrong_state',
  'request.already_decided',
  'review.not_found',
]);

/**
 * One request timer. Throws to be retried; an expected refusal that retrying cannot change
 * becomes an UnrecoverableError so BullMQ stops; NotYet when it came early.
 */
export async function processRequestJob(
  deps: CoreDeps,
  name: JobName,
  requestId: string,
  attempt: Attempt,
): Promise<void> {
  switch (name) {
    case 'activate': {
      try {
        return settle(await activate(deps, requestId, { resume: attempt.retry }));
      } catch (error) {
        // Out of retries with PIM still failing: roll back and record, never leave it hanging.
        if (attempt.last) return settle(await abandonActivation(deps, requestId));
        throw error;
      }
    }
    case 'verify': {
      const visible = await assignmentsVisible(deps, requestId);
      if (visible.ok && !visible.value && !attempt.last) {
        throw new Error('assignment not visible in PIM yet');
      }
      return settle(visible);
    }
    case 'remind':
      await dueCheck(deps, name, requestId);
      return settle(await remind(deps, requestId));
    case 'expire':
      await dueCheck(deps, name, requestId);
      return settle(await end(deps, requestId, 'expired', null));
    case 'approval-timeout':
      return settle(await approvalTimedOut(deps, requestId));
    case 'escalation-timeout':
      return settle(await expireApproval(deps, requestId));
    case 'mfa-timeout':
      return settle(await mfaTimedOut(deps, requestId));
    case 'breakglass-review':
      return settle(await breakglassReviewDue(deps, requestId));
    // Review timers carry the review's id where the others carry a request's.
    case 'review-remind':
      return settle(await reviewReminder(deps, requestId));
    case 'review-due':
      return settle(await reviewDue(deps, requestId));
  }
}

function settle(
  result: { ok: true } | { ok: false; error: { code: string; message: string } },
): void {
  if (result.ok || SETTLED.has(result.error.code)) return;
  throw new UnrecoverableError(`${result.error.code}: ${result.error.message}`);
}
