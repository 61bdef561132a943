/**
 * What the timers do when they fire. Each re-reads the request and acts only if its state
 * still calls for it, so a late, repeated or concurrent run changes nothing.
 */
import { type AccessRequest, grantedTargets } from '../domain/request.ts';
import { sameTarget } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { applyTransition, markFailed } from './record.ts';

/** Nobody decided in time: the request lapses and its cards say so. */
export async function expireApproval(
  deps: CoreDeps,
  requestId: string,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.state !== 'pending_approval') return ok(current);
  const expired = await applyTransition(
    deps,
    requestId,
    { type: 'expire_approval' },
    'request.approval_expired',
    null,
  );
  if (!expired.ok) return expired;
  await deps.notifier.requestChanged(expired.value, 'approval_expired');
  return expired;
}

/**
 * The approval deadline passed: the first time, backup approvers (escalateTo) are added and
 * get the card, with a fresh deadline; when there are none, or they did not decide either,
 * the request lapses.
 */
export async function approvalTimedOut(
  deps: CoreDeps,
  requestId: string,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.state !== 'pending_approval') return ok(current);
  if (current.approval.escalated || current.approval.escalateTo.length === 0)
    return expireApproval(deps, requestId);
  const escalated = await applyTransition(
    deps,
    requestId,
    { type: 'escalate' },
    'request.escalated',
    null,
    (next) => ({
      escalateTo: next.approval.escalateTo.join(', '),
    }),
  );
  if (!escalated.ok) return escalated;
  const timeoutAt = escalated.value.approval.timeoutAt;
  // A new id: the approval-timeout job running this call still holds its own.
  if (timeoutAt !== null) await deps.scheduler.schedule('escalation-timeout', requestId, timeoutAt);
  await deps.notifier.requestChanged(escalated.value, 'escalated');
  return escalated;
}

/** Tells the requester the grant ends soon, if it is still active and has not ended yet. */
export async function remind(
  deps: CoreDeps,
  requestId: string,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.state === 'active' && (current.endsAt ?? 0) > deps.clock.now()) {
    await deps.notifier.requestChanged(current, 'reminder');
  }
  return ok(current);
}

/**
 * The activate job ran out of retries (PIM kept failing or was unreachable): take back
 * whatever may have been granted and record the request as failed, so it never hangs in
 * `activating` and is never half-granted.
 */
export async function abandonActivation(
  deps: CoreDeps,
  requestId: string,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.state !== 'activating') return ok(current);
  for (const target of current.targets) {
    const removed = await deps.privileges.deactivate(current.requester.id, target, requestId);
    if (!removed.ok) return removed;
  }
  const role = current.targets.map((t) => t.name).join(', ');
  const error = appError('grant.gave_up', { role });
  return markFailed(deps, requestId, { code: error.code, message: error.message });
}

/**
 * Whether every role of an active request shows up as an assignment in PIM yet. Entra can
 * take a moment; the verify job asks again with backoff until it does.
 */
export async function assignmentsVisible(
  deps: CoreDeps,
  requestId: string,
): Promise<Result<boolean, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.state !== 'active') return ok(true);
  const live = await deps.privileges.activeAssignments(current.requester.id);
  return ok(grantedTargets(current).every((t) => live.some((a) => sameTarget(a.target, t))));
}
