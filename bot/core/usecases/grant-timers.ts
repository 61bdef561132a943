import { combinePolicies, targetPolicy } from '../domain/effective-policy.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { CoreDeps } from './deps.ts';

/** When a grant ending at `endsAt` is reminded: `reminderBefore` ahead, the longest of the roles'. */
export function reminderAt(deps: CoreDeps, request: AccessRequest, endsAt: number): number {
  const before = combinePolicies(
    request.targets.map((t) => targetPolicy(deps.policy(), t)),
  ).reminderBefore;
  return endsAt - before * 1000;
}

/** The reminder and the expiry of a grant. */
export async function scheduleEndTimers(
  deps: CoreDeps,
  request: AccessRequest,
  endsAt: number,
): Promise<void> {
  await deps.scheduler.schedule('remind', request.id, reminderAt(deps, request, endsAt));
  await deps.scheduler.schedule('expire', request.id, endsAt);
}
