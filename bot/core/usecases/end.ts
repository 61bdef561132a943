/**
 * Ends an active grant: at expiry (job), early by the requester (`deactivated`), by an
 * administrator (`revoked`) or by reconcile (`overdue_removed`). PIM first, then the record,
 * so a crash in between leaves a grant that the retry removes again (idempotent), never a
 * record that says "ended" over a live assignment.
 */
import type { Principal } from '../domain/principal.ts';
import { type AccessRequest, type EndReason, grantedTargets } from '../domain/request.ts';
import type { Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { askToEnd, isDelegated } from './delegated-checks.ts';
import type { CoreDeps } from './deps.ts';
import { applyTransition } from './record.ts';

export async function end(
  deps: CoreDeps,
  requestId: string,
  reason: EndReason,
  by: Principal | null,
  opts: {
    /** Delegated mode: removes with the requester's own token (delegated.ts). */
    readonly remove?: (target: Target) => Promise<Result<void, AppError>>;
  } = {},
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.state === 'ended') return ok(current);
  if (current.state !== 'active') {
    return err(
      appError('request.wrong_state', { id: requestId, state: current.state, action: 'ended' }),
    );
  }
  if (reason === 'deactivated' && by && by.id !== current.requester.id) {
    return err(appError('request.not_requester', { id: requestId }));
  }
  let remove =
    opts.remove ??
    ((target: Target) => deps.privileges.deactivate(current.requester.id, target, requestId));
  if (!opts.remove && isDelegated(deps, current)) {
    // The bot holds no write permission: the requester signs in again to end early, and Entra
    // ends the grant at its expiry by itself (the verify job reports one it did not end).
    if (reason === 'deactivated' && by) return askToEnd(deps, current, by);
    if (reason === 'expired') remove = async () => ok(undefined);
  }
  let notYet: AppError | null = null;
  for (const target of grantedTargets(current)) {
    const removed = await remove(target);
    // Azure keeps a role at least 5 minutes: the rest is removed now, this one when it may be.
    if (!removed.ok && removed.error.retryAt !== undefined) {
      if (notYet === null || removed.error.retryAt > (notYet.retryAt ?? 0)) notYet = removed.error;
      continue;
    }
    if (!removed.ok) return removed;
  }
  if (notYet?.retryAt !== undefined) return endLater(deps, current, notYet, notYet.retryAt);
  const ended = await applyTransition(deps, requestId, { type: 'end', reason }, 'grant.ended', by, {
    endReason: reason,
  });
  if (!ended.ok) {
    // Another worker recorded the end first: that is the outcome, not an error.
    const latest = await deps.store.get(requestId);
    return latest?.state === 'ended' ? ok(latest) : ended;
  }
  await deps.scheduler.cancel('remind', requestId);
  if (reason !== 'expired') await deps.scheduler.cancel('expire', requestId);
  await deps.notifier.requestChanged(ended.value, 'ended');
  return ended;
}

/**
 * A target the provider may not remove yet (ARM's 5 minutes after activation): the grant now
 * ends at `at`, when the expire job removes what is left; the person is told why.
 */
async function endLater(
  deps: CoreDeps,
  current: AccessRequest,
  why: AppError,
  at: number,
): Promise<Result<AccessRequest, AppError>> {
  if (current.endsAt === null || at < current.endsAt) {
    const moved = await applyTransition(
      deps,
      current.id,
      { type: 'defer_end', endsAt: at },
      'grant.end_deferred',
      null,
      { endsAt: at, code: why.code },
    );
    if (!moved.ok) return moved;
    await deps.scheduler.cancel('remind', current.id);
    await deps.scheduler.cancel('expire', current.id);
    await deps.scheduler.schedule('expire', current.id, at);
  } else {
    await deps.scheduler.schedule('expire', current.id, at);
  }
  return err(why);
}
