/**
 * Delegated mode: the requester's verified `delegate` sign-in, with their access token
 * (delegated-checks.ts says how a delegated request gets here).
 */
import type { AccessRequest } from '../domain/request.ts';
import type { Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import type { DelegatedPrivileges, DelegatedTokens } from '../ports/delegated-privileges.ts';
import type { SignInGrant } from '../ports/sign-in.ts';
import { err, type Result } from '../result.ts';
import { activate } from './activate.ts';
import { isDelegated } from './delegated-checks.ts';
import type { CoreDeps } from './deps.ts';
import { end } from './end.ts';
import { applyTransition } from './record.ts';

/**
 * A verified `delegate` sign-in came back with the person's access tokens: a waiting request
 * is activated with them (selfActivate), an active one ended (selfDeactivate), each target
 * with the token for its kind's scope. The tokens are not kept anywhere: they live in this
 * call's closures only.
 */
export async function delegatedSignIn(
  deps: CoreDeps,
  grant: SignInGrant,
  tokens: DelegatedTokens,
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
      remove: (target) =>
        withToken(delegated, tokens, target, (token) =>
          delegated.selfDeactivate(token, request.requester.id, target, request.id),
        ),
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
    grant: (g) =>
      withToken(delegated, tokens, g.target, (token) => delegated.selfActivate(token, g)),
  });
}

/** The call with the token for the target's kind; none (Entra gave none) is a refusal. */
async function withToken<T>(
  delegated: DelegatedPrivileges,
  tokens: DelegatedTokens,
  target: Target,
  call: (token: string) => Promise<Result<T, AppError>>,
): Promise<Result<T, AppError>> {
  const token = tokens.get(delegated.scopeFor(target.kind) ?? '');
  return token ? call(token) : err(appError('delegated.refused', { role: target.name }));
}
