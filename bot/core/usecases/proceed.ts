import type { AccessRequest } from '../domain/request.ts';
import type { AppError } from '../errors.ts';
import { ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { applyTransition } from './record.ts';

/**
 * An approved request goes to the activate job: at its start time when that lies ahead
 * (state `scheduled`), otherwise at once. The job, not this call, talks to PIM, so a click
 * is acknowledged fast and a crash cannot lose the activation.
 */
export async function startApproved(
  deps: CoreDeps,
  request: AccessRequest,
): Promise<Result<AccessRequest, AppError>> {
  const now = deps.clock.now();
  if (request.startAt !== null && request.startAt > now) {
    const scheduled = await applyTransition(
      deps,
      request.id,
      { type: 'schedule' },
      'request.scheduled',
      null,
      {
        startAt: request.startAt,
      },
    );
    if (!scheduled.ok) return scheduled;
    await deps.scheduler.schedule('activate', request.id, request.startAt);
    await deps.notifier.requestChanged(scheduled.value, 'scheduled');
    return scheduled;
  }
  await deps.scheduler.schedule('activate', request.id, now);
  return ok(request);
}
