/**
 * Delegated mode (`mode: delegated`, DESIGN.md "Sign-in from chat"): the request is checked and
 * approved in chat as in app mode, then the requester signs in (purpose `delegate`) and the
 * bot calls PIM's selfActivate with that person's own token, so PIM itself applies
 * eligibility, MFA, approval and its alerts, and the bot needs no write permission. The token
 * reaches the core only as an argument, is used for the one call and is dropped. Early end
 * asks for a fresh sign-in and calls selfDeactivate; expiry is left to Entra.
 * These are the checks activate.ts and end.ts make; delegated.ts takes the sign-in.
 */
import { requestPolicy } from '../domain/effective-policy.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import type { PimApproval } from '../ports/delegated-privileges.ts';
import type { GrantRequest } from '../ports/privilege-provider.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { applyTransition } from './record.ts';
import { signInRule } from './step-up.ts';

/** Grants one target with a token in hand (activate.ts calls it in place of the app's grant). */
/** Grants one target; `pendingApproval`: PIM holds it for its own approvers (delegated mode). */
export type Grantor = (
  grant: GrantRequest,
) => Promise<Result<{ readonly endsAt: number; readonly pendingApproval?: PimApproval }, AppError>>;

const KIND_WORDS: Record<Target['kind'], string> = {
  directory_role: 'directory role',
  group: 'PIM group',
  azure_role: 'Azure role',
};

export const isDelegated = (deps: CoreDeps, request: AccessRequest): boolean =>
  requestPolicy(deps.policy(), request).mode === 'delegated';

/**
 * Why a delegated request cannot be activated by self-activation at all: a kind of target
 * delegated mode does not serve yet, or no sign-in from chat. Null: it can.
 */
export function delegatedRefusal(deps: CoreDeps, request: AccessRequest): AppError | null {
  const target = request.targets.find((t) => !deps.delegated?.kinds.has(t.kind));
  if (target)
    return appError('delegated.kind_unavailable', {
      role: target.name,
      kind: KIND_WORDS[target.kind],
    });
  if (!deps.signIn)
    return appError('delegated.sign_in_unavailable', { role: request.targets[0]?.name ?? '' });
  return null;
}

/**
 * Called by the activate job for a delegated request: it waits in `awaiting_mfa` for the
 * requester's sign-in, whose link goes to their chat (purpose `delegate`). Null when the
 * activation should go on to be refused (delegatedRefusal).
 */
export async function holdForDelegation(
  deps: CoreDeps,
  request: AccessRequest,
): Promise<Result<AccessRequest, AppError> | null> {
  if (delegatedRefusal(deps, request)) return null;
  const deadline = deps.clock.now() + (await signInRule(deps, request)).timeout * 1000;
  const waiting = await applyTransition(
    deps,
    request.id,
    { type: 'await_mfa', deadline },
    'request.awaiting_mfa',
    null,
    { deadline, mode: 'delegated' },
  );
  if (!waiting.ok) {
    const latest = await deps.store.get(request.id);
    return waiting.error.code === 'request.wrong_state' && latest ? ok(latest) : waiting;
  }
  await deps.scheduler.schedule('mfa-timeout', request.id, deadline);
  await deps.notifier.requestChanged(waiting.value, 'awaiting_mfa');
  return waiting;
}

/** The requester's Deactivate in delegated mode: a fresh sign-in first, by link. */
export async function askToEnd(
  deps: CoreDeps,
  request: AccessRequest,
  by: Principal,
): Promise<Result<AccessRequest, AppError>> {
  if (by.id !== request.requester.id)
    return err(appError('request.not_requester', { id: request.id }));
  if (!deps.signIn)
    return err(appError('delegated.sign_in_unavailable', { role: request.targets[0]?.name ?? '' }));
  const url = await deps.signIn.links.create({
    requestId: request.id,
    person: by,
    purpose: 'delegate',
  });
  return err({
    ...appError('delegated.sign_in_needed', { action: 'end' }),
    link: { url, label: 'Sign in to end it' },
  });
}
