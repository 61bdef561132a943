/**
 * Delegated mode: the requester's verified `delegate` sign-in, with their access token
 * (delegated-checks.ts says how a delegated request gets here).
 */

import { grantSeconds } from '../domain/eligibility.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type Target, targetLabel } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import type { DelegatedPrivileges, DelegatedTokens } from '../ports/delegated-privileges.ts';
import type { SignInGrant } from '../ports/sign-in.ts';
import { err, ok, type Result } from '../result.ts';
import { activate } from './activate.ts';
import { isDelegated } from './delegated-checks.ts';
import type { CoreDeps } from './deps.ts';
import { end } from './end.ts';
import { scheduleEndTimers } from './grant-timers.ts';
import { applyTransition, markFailed } from './record.ts';

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

/**
 * An approver's verified `pim_review` sign-in: their decision is recorded in PIM with their
 * own token (PIM checks they are one of its approvers), then the request follows PIM: active
 * on approval, failed on denial. The token is used for that one call only.
 */
export async function pimReviewSignIn(
  deps: CoreDeps,
  grant: SignInGrant,
  tokens: DelegatedTokens,
): Promise<Result<AccessRequest, AppError>> {
  const request = await deps.store.get(grant.requestId);
  if (!request) return err(appError('request.not_found', { id: grant.requestId }));
  const wait = request.pimApproval;
  const delegated = deps.delegated;
  const review = delegated?.reviewApproval?.bind(delegated);
  if (request.state !== 'activating' || !wait || !delegated || !review)
    return err(appError('delegated.no_pim_approval', { id: request.id }));
  if (wait.decision)
    return err(
      appError('delegated.pim_already_reviewed', {
        id: request.id,
        by: wait.decidedBy?.displayName ?? 'an approver',
      }),
    );
  if (grant.person.id === request.requester.id) return err(appError('request.self_approval'));
  const decision = grant.decision ?? 'approve';
  const said = `${decision === 'approve' ? 'Approved' : 'Denied'} from chat by ${grant.person.displayName} (elevate ${request.id})`;
  const reviewed = await withToken(delegated, tokens, wait.target, (token) =>
    review(token, wait.target, wait.approvalId, decision, said),
  );
  if (!reviewed.ok) return reviewed;
  const recorded = await applyTransition(
    deps,
    request.id,
    { type: 'pim_reviewed', by: grant.person, decision },
    'grant.pim_reviewed',
    grant.person,
    { decision, approvalId: wait.approvalId },
  );
  if (!recorded.ok) return recorded;
  return pimDecided(deps, request.id, decision === 'approve', { by: grant.person.displayName });
}

/**
 * PIM decided its approval of a held self-activation (from chat, or in the Entra portal as
 * reconcile reads it): active on approval, with the usual verify and end timers; failed on
 * denial, saying who denied it. `endsAt`: the end PIM gives the activation, when it was read
 * (it runs from the approval); otherwise the granted duration from now.
 */
export async function pimDecided(
  deps: CoreDeps,
  requestId: string,
  approved: boolean,
  { by = 'an approver in Entra PIM', endsAt: pimEnd }: { by?: string; endsAt?: number } = {},
): Promise<Result<AccessRequest, AppError>> {
  const request = await deps.store.get(requestId);
  const wait = request?.pimApproval;
  if (!request || !wait || request.state !== 'activating')
    return err(appError('delegated.no_pim_approval', { id: requestId }));
  if (!approved) {
    const denied = appError('delegated.pim_denied', { role: targetLabel(wait.target), by });
    return markFailed(deps, requestId, { code: denied.code, message: denied.message });
  }
  const now = deps.clock.now();
  const endsAt = pimEnd ?? now + grantSeconds(request, now) * 1000;
  const active = await applyTransition(
    deps,
    requestId,
    { type: 'activated', endsAt },
    'grant.activated',
    null,
    { endsAt, approvedInPimBy: by },
  );
  if (!active.ok) return active;
  await deps.scheduler.schedule('verify', requestId, now);
  await scheduleEndTimers(deps, active.value, endsAt);
  await deps.notifier.requestChanged(active.value, 'activated');
  return ok(active.value);
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
