/**
 * The requester needs more time: the grant's end moves in PIM, the reminder and expiry move
 * with it. The total time active stays within the role's effective maximum.
 */
import { effectivePolicy, rolePolicy } from '../domain/effective-policy.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import { err, type Result } from '../result.ts';
import { justification } from './activate.ts';
import type { CoreDeps } from './deps.ts';
import { scheduleEndTimers } from './grant-timers.ts';
import { applyTransition } from './record.ts';

export async function extend(
  deps: CoreDeps,
  requestId: string,
  by: Principal,
  seconds: number,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.requester.id !== by.id)
    return err(appError('request.not_requester', { id: requestId }));
  if (current.state !== 'active' || current.activatedAt === null || current.endsAt === null) {
    return err(
      appError('request.wrong_state', { id: requestId, state: current.state, action: 'extended' }),
    );
  }
  const endsAt = Math.max(current.endsAt, deps.clock.now()) + seconds * 1000;
  for (const target of current.targets) {
    const policy = effectivePolicy(
      rolePolicy(deps.policy(), target.name),
      await deps.privileges.rules(target),
    );
    const maxEnd = current.activatedAt + policy.maxDuration * 1000;
    if (endsAt > maxEnd) {
      const left = Math.max(
        0,
        Math.floor((maxEnd - Math.max(current.endsAt, deps.clock.now())) / 1000),
      );
      return err(
        appError('policy.extend_too_long', { role: target.name, max: policy.maxDuration, left }),
      );
    }
  }
  for (const target of current.targets) {
    const moved = await deps.privileges.extend(
      {
        principalId: current.requester.id,
        target,
        startAt: current.activatedAt,
        durationSeconds: Math.round((endsAt - current.activatedAt) / 1000),
        justification: justification(current),
        ticket: current.ticket,
        requestId,
      },
      endsAt,
    );
    if (!moved.ok) return moved;
  }
  const saved = await applyTransition(
    deps,
    requestId,
    { type: 'extend', endsAt },
    'grant.extended',
    by,
    {
      endsAt,
      addedSeconds: seconds,
    },
  );
  if (!saved.ok) return saved;
  await deps.scheduler.cancel('remind', requestId);
  await deps.scheduler.cancel('expire', requestId);
  await scheduleEndTimers(deps, saved.value, endsAt);
  await deps.notifier.requestChanged(saved.value, 'extended');
  return saved;
}
