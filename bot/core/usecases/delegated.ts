/**
 * Delegated mode: the requester's verified `delegate` sign-in, with their access token
 * (delegated-checks.ts says how a delegated request gets here).
 */
import type { AccessRequest } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import type { SignInGrant } from '../ports/sign-in.ts';
import { err, type Result } from '../result.ts';
import { activate } from './activate.ts';
import { isDelegated } from './delegated-checks.ts';
import type { CoreDeps } from './deps.ts';
import { end } from './end.ts';
import { applyTransition } from './record.ts';

/**
 * A verified `delegate` sign-in came back with the person's access token: a waiting request
 * is activated with it (selfActivate), an active one ended (selfDeactivate). The token is not
 * kept anywhere: it lives in this call's closures only.
 */
export async function delegatedSignIn(
  deps: CoreDeps,
  grant: SignInGrant,
  token: string,
): Promise<Result<AccessRequest, AppError>> {
  const request = await deps.store.get(grant.requestId);
  if (!request) return err(appError('request.not_found', { id: grant.requestId }));
  const delegated = deps.delegated;
  if (!delegated || !isDelegated(deps, request))
    return err(appError('signin.not_waiting', { id: request.id, state: request.state }));
  if (request.state === 'active') {
    if (grant.person.id !== request.requester.id)
      return err(appError('request.not_requester', { id: request.id }));
    return end(deps, request.id, 'deactivated', grant.person, {
      remove: (target) => delegated.selfDeactivate(token, request.requester.id, target, request.id),
    });
  }
  if (request.state !== 'awaiting_mfa')
    return err(appError('signin.not_waiting', { id: request.id, state: request.state }));
  const verified = await applyTransition(
    deps,
    request.id,
    { type: 'mfa_verified', by: grant.person },
    'request.mfa_verified',
    grant.person,
    { mode: 'delegated' },
  );
  if (!verified.ok) {
    const latest = await deps.store.get(request.id);
    return verified.error.code === 'request.wrong_state' && latest
      ? err(appError('signin.not_waiting', { id: latest.id, state: latest.state }))
      : verified;
  }
  await deps.scheduler.cancel('mfa-timeout', request.id);
  await deps.notifier.requestChanged(verified.value, 'mfa_verified');
  return activate(deps, request.id, {
    resume: false,
    grant: (g) => delegated.selfActivate(token, g),
  });
}
