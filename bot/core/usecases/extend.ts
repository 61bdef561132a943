/**
 * The requester needs more time: the grant's end moves in PIM, the reminder and expiry move
 * with it. The total time active stays within the role's effective maximum. When a role's
 * policy says `extensions: reapprove`, the extension waits for the approvers first (the
 * approval card shows it; decide.ts carries it out).
 */
import { effectivePolicy, rolePolicy } from '../domain/effective-policy.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import { err, type Result } from '../result.ts';
import { justification } from './activate.ts';
import type { CoreDeps } from './deps.ts';
import { scheduleEndTimers } from './grant-timers.ts';
import { extensionRefusal } from './recheck.ts';
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
  const refused = await extensionRefusal(deps, current, endsAt);
  if (refused) return err(refused);
  if (await needsReapproval(deps, current)) {
    const asked = await applyTransition(
      deps,
      requestId,
      { type: 'ask_extension', seconds },
      'grant.extension_requested',
      by,
      { addedSeconds: seconds },
    );
    if (!asked.ok) return asked;
    await deps.notifier.requestChanged(asked.value, 'extension_requested');
    return asked;
  }
  return carryOut(deps, current, seconds, by);
}

/** Moves the end in PIM and the timers with it; the checks have been made. */
export async function carryOut(
  deps: CoreDeps,
  current: AccessRequest,
  seconds: number,
  by: Principal,
  change: 'extended' | 'extension_approved' = 'extended',
): Promise<Result<AccessRequest, AppError>> {
  const requestId = current.id;
  const activatedAt = current.activatedAt ?? deps.clock.now();
  const endsAt = Math.max(current.endsAt ?? 0, deps.clock.now()) + seconds * 1000;
  // Checked again after a re-approval: the eligibility may have changed while it waited.
  const refused = await extensionRefusal(deps, current, endsAt);
  if (refused) return err(refused);
  for (const target of current.targets) {
    const moved = await deps.privileges.extend(
      {
        principalId: current.requester.id,
        target,
        startAt: activatedAt,
        durationSeconds: Math.round((endsAt - activatedAt) / 1000),
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
  await deps.notifier.requestChanged(saved.value, change);
  return saved;
}

async function needsReapproval(deps: CoreDeps, r: AccessRequest): Promise<boolean> {
  if (!r.approval.required) return false;
  return r.targets.some(
    (t) => rolePolicy(deps.policy(), t.name).approval.extensions === 'reapprove',
  );
}
