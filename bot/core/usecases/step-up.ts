/**
 * MFA step-up from chat (DESIGN.md "Sign-in from chat"). A click proves who clicked, not that
 * they passed MFA: where the policy asks for MFA the person signs in to Entra through a link,
 * and only a verified sign-in (checked by the sign-in adapter) moves the request on.
 * - Requester: an approved request whose roles need MFA waits in `awaiting_mfa` until the
 *   requester's sign-in comes back, or fails at `mfa.timeout`. An extension of such a grant
 *   waits the same way (extend.ts); at `mfa.timeout` it lapses and the grant keeps its end.
 * - Approver (`approval.stepUp`): an Approve counts only with an MFA proof from the approver
 *   within the window; otherwise the click answers with a link and the approval is recorded
 *   when the sign-in comes back, through the same checks as a click.
 */
import {
  combineMfaRules,
  effectivePolicy,
  mfaDemand,
  mfaRule,
  targetPolicy,
} from '../domain/effective-policy.ts';
import type { MfaRule } from '../domain/policy.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import type { SignInGrant } from '../ports/sign-in.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { startApproved } from './proceed.ts';
import { applyTransition } from './record.ts';

/** Whether any role of the request asks the requester for MFA (policy.yaml or PIM). */
export async function requesterNeedsMfa(deps: CoreDeps, request: AccessRequest): Promise<boolean> {
  for (const target of request.targets) {
    const pim = await deps.privileges.rules(target);
    if (mfaDemand(targetPolicy(deps.policy(), target), pim)) return true;
  }
  return false;
}

/**
 * The checks a sign-in for this request must pass: the strictest of its roles, each role's
 * policy.yaml `mfa` with the authentication context its PIM settings ask for.
 */
export async function signInRule(deps: CoreDeps, request: AccessRequest): Promise<MfaRule> {
  const rules = await Promise.all(
    request.targets.map(async (t) =>
      mfaRule(effectivePolicy(targetPolicy(deps.policy(), t), await deps.privileges.rules(t))),
    ),
  );
  return combineMfaRules(rules);
}

/**
 * Called by the activate job before it grants: an approved request that needs the
 * requester's MFA and has no verified sign-in yet starts waiting for it, and the result is
 * returned; null means go ahead. Without sign-in from chat this holds nothing back: the
 * activation refuses the role itself (fail closed).
 */
export async function holdForMfa(
  deps: CoreDeps,
  request: AccessRequest,
): Promise<Result<AccessRequest, AppError> | null> {
  if (!deps.signIn || request.stepUp?.verifiedAt) return null;
  if (!(await requesterNeedsMfa(deps, request))) return null;
  const rule = await signInRule(deps, request);
  const deadline = deps.clock.now() + rule.timeout * 1000;
  const waiting = await applyTransition(
    deps,
    request.id,
    { type: 'await_mfa', deadline },
    'request.awaiting_mfa',
    null,
    { deadline },
  );
  if (!waiting.ok) {
    const latest = await deps.store.get(request.id);
    return waiting.error.code === 'request.wrong_state' && latest ? ok(latest) : waiting;
  }
  await deps.scheduler.schedule('mfa-timeout', request.id, deadline);
  await deps.notifier.requestChanged(waiting.value, 'awaiting_mfa');
  return waiting;
}

/**
 * The requester did not sign in in time: a waiting request fails, nothing was granted; a
 * waiting extension lapses and the grant runs to its planned end.
 */
export async function mfaTimedOut(
  deps: CoreDeps,
  requestId: string,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (current.state === 'active') return extensionTimedOut(deps, current);
  if (current.state !== 'awaiting_mfa') return ok(current);
  const error = appError('mfa.timed_out', { waited: (await signInRule(deps, current)).timeout });
  const failed = await applyTransition(
    deps,
    requestId,
    { type: 'mfa_expired', failure: { code: error.code, message: error.message } },
    'grant.failed',
    null,
    { code: error.code },
  );
  if (!failed.ok) return failed.error.code === 'request.wrong_state' ? ok(current) : failed;
  await deps.notifier.requestChanged(failed.value, 'failed');
  return failed;
}

async function extensionTimedOut(
  deps: CoreDeps,
  current: AccessRequest,
): Promise<Result<AccessRequest, AppError>> {
  const waiting = current.extensionStepUp;
  if (!waiting) return ok(current);
  // A timer of an earlier extension that ran late: this one has its own.
  if (deps.clock.now() < waiting.deadline) return ok(current);
  const lapsed = await applyTransition(
    deps,
    current.id,
    { type: 'extension_mfa_expired' },
    'grant.extension_mfa_expired',
    null,
    { addedSeconds: waiting.seconds, endsAt: current.endsAt },
  );
  if (!lapsed.ok) return lapsed.error.code === 'signin.not_waiting' ? ok(current) : lapsed;
  await deps.notifier.requestChanged(lapsed.value, 'extension_mfa_expired');
  return lapsed;
}

/**
 * An approver's Approve under `approval.stepUp`: null when it may count now (no window, or a
 * fresh enough MFA proof for approving), otherwise the refusal that carries the sign-in link.
 */
export async function approverStepUp(
  deps: CoreDeps,
  request: AccessRequest,
  approver: Principal,
): Promise<Result<AccessRequest, AppError> | null> {
  const window = request.approval.stepUp;
  if (window === undefined) return null;
  const role = request.targets.map((t) => t.name).join(', ');
  if (!deps.signIn)
    return err(appError('policy.mfa_unavailable', { role, source: 'approval.stepUp' }));
  const at = await deps.signIn.proofs.provenAt(approver.id, 'approve');
  if (at !== null && deps.clock.now() - at <= window * 1000) return null;
  const url = await deps.signIn.links.create({
    requestId: request.id,
    person: approver,
    purpose: 'approve',
  });
  return err({
    ...appError('approval.sign_in_needed', { window }),
    link: { url, label: 'Sign in with MFA to approve' },
  });
}

export type Approve = (
  deps: CoreDeps,
  requestId: string,
  approver: Principal,
) => Promise<Result<AccessRequest, AppError>>;

/**
 * A verified MFA sign-in came back for `grant` (the adapter checked the ID token: signature,
 * issuer, audience, nonce, tenant, that `oid` is `grant.person`, MFA and its age).
 * For `activate` the waiting request goes on to activation; for `approve` the proof is kept
 * for the window and the approval is recorded as if clicked now.
 */
export async function signInVerified(
  deps: CoreDeps,
  grant: SignInGrant,
  approve: Approve,
  /** When the person passed MFA (the ID token's auth_time); now when not given. */
  provenAt: number = deps.clock.now(),
): Promise<Result<AccessRequest, AppError>> {
  const request = await deps.store.get(grant.requestId);
  if (!request) return err(appError('request.not_found', { id: grant.requestId }));
  if (grant.purpose === 'approve') {
    const window = request.approval.stepUp;
    if (window === undefined || !deps.signIn) return approve(deps, request.id, grant.person);
    // The window runs from the MFA itself, so it never lasts longer than it says.
    const left = window - Math.max(0, Math.floor((deps.clock.now() - provenAt) / 1000));
    if (left > 0) await deps.signIn.proofs.remember(grant.person.id, 'approve', provenAt, left);
    await deps.audit.append({
      at: deps.clock.now(),
      action: 'request.approver_mfa_verified',
      requestId: request.id,
      actor: grant.person,
      requester: request.requester,
      targets: request.targets,
      state: request.state,
      reason: request.reason,
      ticket: request.ticket,
      platform: request.platform,
      details: { window },
    });
    return approve(deps, request.id, grant.person);
  }
  // `extend` sign-ins are taken by extend.ts; `activate` counts only while activation waits.
  if (grant.purpose !== 'activate' || request.state !== 'awaiting_mfa')
    return err(appError('signin.not_waiting', { id: request.id, state: request.state }));
  const verified = await applyTransition(
    deps,
    request.id,
    { type: 'mfa_verified', by: grant.person },
    'request.mfa_verified',
    grant.person,
  );
  if (!verified.ok) {
    const latest = await deps.store.get(request.id);
    return verified.error.code === 'request.wrong_state' && latest
      ? err(appError('signin.not_waiting', { id: latest.id, state: latest.state }))
      : verified;
  }
  await deps.scheduler.cancel('mfa-timeout', request.id);
  await deps.notifier.requestChanged(verified.value, 'mfa_verified');
  return startApproved(deps, verified.value);
}

/**
 * A sign-in for `grant` was refused (no MFA, someone else, too old, invalid). Nothing moves
 * on; the refusal is recorded on the request (audit and cards), and a requester still
 * waiting gets a fresh link with the reason.
 */
export async function signInRefused(
  deps: CoreDeps,
  grant: SignInGrant,
  error: AppError,
): Promise<void> {
  const request = await deps.store.get(grant.requestId);
  const open =
    request &&
    (grant.purpose === 'activate' || grant.purpose === 'delegate'
      ? request.state === 'awaiting_mfa' ||
        (grant.purpose === 'delegate' && request.state === 'active')
      : grant.purpose === 'extend'
        ? request.state === 'active' &&
          request.extensionStepUp?.askedAt === grant.extension &&
          grant.extension !== undefined
        : request.state === 'pending_approval' ||
          (request.state === 'active' && !!request.extension));
  if (!open) return;
  const refused = await applyTransition(
    deps,
    request.id,
    { type: 'sign_in_refused', by: grant.person, message: error.message },
    'request.sign_in_refused',
    grant.person,
    { code: error.code, purpose: grant.purpose },
  );
  if (refused.ok) await deps.notifier.requestChanged(refused.value, 'sign_in_refused');
}

/**
 * The requester asks for a new sign-in link (the last one expired after 10 minutes, or was
 * lost) while the request still waits: a fresh one goes to their chat, the old ones stay
 * single use.
 */
export async function renewSignInLink(
  deps: CoreDeps,
  requestId: string,
  who: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const renewed = await applyTransition(
    deps,
    requestId,
    { type: 'renew_sign_in', by: who },
    'request.sign_in_renewed',
    who,
  );
  if (renewed.ok)
    await deps.notifier.requestChanged(
      renewed.value,
      renewed.value.state === 'active' ? 'extension_awaiting_mfa' : 'awaiting_mfa',
    );
  return renewed;
}
