import { combinePolicies, targetPolicy } from '../domain/effective-policy.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { CoreDeps } from './deps.ts';

/** The reminder (`reminderBefore` ahead, the longest of the roles') and the expiry of a grant. */
export async function scheduleEndTimers(
  deps: CoreDeps,
  request: AccessRequest,
  endsAt: number,
): Promise<void> {
  const before = combinePolicies(
    request.targets.map((t) => targetPolicy(deps.policy(), t)),
  ).reminderBefore;
  await deps.scheduler.schedule('remind', request.id, endsAt - before * 1000);
  await deps.scheduler.schedule('expire', request.id, endsAt);
}
