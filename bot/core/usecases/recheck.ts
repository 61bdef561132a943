/**
 * Facts that may have changed since a request was made, read again at the moment they
 * matter: whether the approval deadline passed, whether the accounts are still enabled, and
 * whether the requester is still eligible (and until when). Decide and activate call these;
 * each is one small question, so a new step (an MFA wait) can ask them too.
 */
import { eligibleUntil } from '../domain/eligibility.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';

/** A pending request whose approval.timeout has run out can no longer be decided. */
export function deadlinePassed(deps: CoreDeps, request: AccessRequest): AppError | null {
  const due = request.approval.timeoutAt;
  if (request.state !== 'pending_approval' || due === null || deps.clock.now() < due) return null;
  return appError('request.approval_timed_out', { id: request.id });
}

/** The person acting is refused when Entra says their account is disabled, read now. */
export async function disabledActor(deps: CoreDeps, who: Principal): Promise<AppError | null> {
  return (await deps.directory.isEnabled(who.id)) ? null : appError('identity.disabled');
}

/**
 * Whether the request could still be granted to its requester: account enabled, every
 * target still eligible. The value is until when the eligibility lasts (null: permanent).
 * `asApprover` words the refusal for the person clicking Approve rather than the requester.
 */
export async function stillGrantable(
  deps: CoreDeps,
  request: AccessRequest,
  asApprover: boolean,
): Promise<Result<number | null, AppError>> {
  const roles = request.targets.map((t) => t.name);
  // Both reads at once: one Graph round trip before the activation, not two. The account
  // decides first; its eligibilities are read for nothing when it is disabled.
  const eligibilities = deps.privileges.eligibilities(request.requester.id, [
    ...new Set(request.targets.map((t) => t.kind)),
  ]);
  eligibilities.catch(() => {});
  if (!(await deps.directory.isEnabled(request.requester.id))) {
    return err(
      asApprover
        ? appError('request.requester_disabled', { id: request.id })
        : appError('grant.requester_disabled', { roles }),
    );
  }
  const until = eligibleUntil(await eligibilities, request.targets);
  if (until === 'missing') {
    return err(
      asApprover
        ? appError('request.no_longer_eligible', { id: request.id, roles })
        : appError('grant.no_longer_eligible', { roles }),
    );
  }
  return ok(until);
}

/**
 * How long the facts read at an approval stand for the activation it starts: the activate job
 * normally runs milliseconds after the click, and reading the same facts again that soon
 * stops nothing. A job that runs later (a queue behind, a retry, a scheduled start) reads them
 * again. Either side of the approval's time, so a worker whose clock is behind is held too.
 */
export const APPROVAL_FACTS_MS = 2_000;

/**
 * The requester's facts as the last approval read them (`stillGrantable` right before the
 * `approve` transition), while they are that fresh; null: read them again.
 */
export function factsOfApproval(
  deps: CoreDeps,
  request: AccessRequest,
): Result<number | null, AppError> | null {
  const last = request.approvals.at(-1);
  if (request.state !== 'approved' || !last || request.eligibleUntil === undefined) return null;
  return Math.abs(deps.clock.now() - last.at) <= APPROVAL_FACTS_MS
    ? ok(request.eligibleUntil)
    : null;
}

/**
 * An extension to `endsAt` must not outlive the eligibility either, nor be made for a
 * requester disabled or no longer eligible since the grant began.
 */
export async function extensionRefusal(
  deps: CoreDeps,
  request: AccessRequest,
  endsAt: number,
): Promise<AppError | null> {
  const facts = await stillGrantable(deps, request, false);
  if (!facts.ok) return facts.error;
  const until = facts.value;
  if (until === null || endsAt <= until) return null;
  const from = Math.max(request.endsAt ?? 0, deps.clock.now());
  return appError('grant.extend_past_eligibility', {
    roles: request.targets.map((t) => t.name),
    until,
    left: Math.max(0, Math.floor((until - from) / 1000)),
  });
}
