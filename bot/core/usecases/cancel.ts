import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { AppError } from '../errors.ts';
import type { Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { applyTransition, cancelApprovalTimers } from './record.ts';

/** The requester withdraws a request that is not active yet; its pending jobs go with it. */
export async function cancel(
  deps: CoreDeps,
  requestId: string,
  by: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const saved = await applyTransition(
    deps,
    requestId,
    { type: 'cancel', by },
    'request.canceled',
    by,
  );
  if (!saved.ok) return saved;
  await cancelApprovalTimers(deps, requestId);
  await deps.scheduler.cancel('activate', requestId);
  await deps.notifier.requestChanged(saved.value, 'canceled');
  return saved;
}
