/**
 * The requester needs more time: the grant's end moves in PIM, the reminder and expiry move
 * with it. The total time active stays within the role's effective maximum. When a role's
 * policy says `extensions: reapprove`, the extension waits for the approvers first (the
 * approval card shows it; decide.ts carries it out). When a role needs the requester's MFA
 * (policy.yaml `mfa.required` or PIM's rule), the end moves only after a fresh verified MFA
 * sign-in by the requester for this one extension (after the approvers, where they are asked);
 * at `mfa.timeout` the extension lapses and the grant keeps its end.
 */
import { effectivePolicy, targetPolicy } from '../domain/effective-policy.ts';
import type { Principal } from '../domain/principal.ts';
import { type AccessRequest, grantedTargets } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import type { SignInGrant } from '../ports/sign-in.ts';
import { err, type Result } from '../result.ts';
import { justification } from './activate.ts';
import { isDelegated } from './delegated-checks.ts';
import type { CoreDeps } from './deps.ts';
import { scheduleEndTimers } from './grant-timers.ts';
import { extensionRefusal } from './recheck.ts';
import { applyTransition } from './record.ts';
import { requesterNeedsMfa, signInRule } from './step-up.ts';

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
  // Delegated grants are not extended yet: PIM's selfExtend goes to its administrators.
  if (isDelegated(deps, current)) return err(appError('delegated.extend_unavailable'));
  if (current.state !== 'active' || current.activatedAt === null || current.endsAt === null) {
    return err(
      appError('request.wrong_state', { id: requestId, state: current.state, action: 'extended' }),
    );
  }
  const endsAt = Math.max(current.endsAt, deps.clock.now()) + seconds * 1000;
  for (const target of grantedTargets(current)) {
    const policy = effectivePolicy(
      targetPolicy(deps.policy(), target),
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
  if (await needsReapproval(deps, current, endsAt)) {
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

/**
 * Moves the end in PIM and the timers with it; the checks have been made. Where a role needs
 * the requester's MFA and `mfaProven` is not set, it waits for the sign-in instead.
 */
export async function carryOut(
  deps: CoreDeps,
  current: AccessRequest,
  seconds: number,
  by: Principal,
  change: 'extended' | 'extension_approved' = 'extended',
  mfaProven = false,
): Promise<Result<AccessRequest, AppError>> {
  const requestId = current.id;
  const activatedAt = current.activatedAt ?? deps.clock.now();
  const endsAt = Math.max(current.endsAt ?? 0, deps.clock.now()) + seconds * 1000;
  // Checked again after a re-approval: the eligibility may have changed while it waited.
  const refused = await extensionRefusal(deps, current, endsAt);
  if (refused) return err(refused);
  if (!mfaProven && (await requesterNeedsMfa(deps, current))) {
    return holdForMfa(deps, current, seconds, by);
  }
  for (const target of grantedTargets(current)) {
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

/**
 * The extension waits for the requester's MFA sign-in (the link goes to their chat with the
 * change); the grant keeps its end meanwhile. Without sign-in from chat nothing can prove
 * MFA, so the extension is refused (fail closed).
 */
async function holdForMfa(
  deps: CoreDeps,
  current: AccessRequest,
  seconds: number,
  by: Principal,
): Promise<Result<AccessRequest, AppError>> {
  if (!deps.signIn) {
    return err(
      appError('policy.mfa_unavailable', {
        role: current.targets.map((t) => t.name).join(', '),
        source: 'mfa.required',
      }),
    );
  }
  const deadline = deps.clock.now() + (await signInRule(deps, current)).timeout * 1000;
  const waiting = await applyTransition(
    deps,
    current.id,
    { type: 'await_extension_mfa', seconds, deadline },
    'grant.extension_awaiting_mfa',
    by,
    { addedSeconds: seconds, deadline },
  );
  if (!waiting.ok) return waiting;
  await deps.scheduler.schedule('mfa-timeout', current.id, deadline);
  await deps.notifier.requestChanged(waiting.value, 'extension_awaiting_mfa');
  return waiting;
}

/**
 * A verified MFA sign-in came back for an extension (`grant.purpose` is `extend`; the
 * sign-in adapter checked the ID token and that it is the requester's). It counts once, for
 * the extension the link was made for, and only while that extension still waits.
 */
export async function extensionSignInVerified(
  deps: CoreDeps,
  grant: SignInGrant,
): Promise<Result<AccessRequest, AppError>> {
  const request = await deps.store.get(grant.requestId);
  if (!request) return err(appError('request.not_found', { id: grant.requestId }));
  const waiting = request.extensionStepUp;
  if (
    grant.purpose !== 'extend' ||
    !waiting ||
    grant.extension === undefined ||
    grant.extension !== waiting.askedAt
  )
    return err(appError('signin.not_waiting', { id: request.id, state: request.state }));
  const verified = await applyTransition(
    deps,
    request.id,
    { type: 'extension_mfa_verified', by: grant.person, askedAt: waiting.askedAt },
    'request.mfa_verified',
    grant.person,
    { purpose: 'extend' },
  );
  if (!verified.ok) return verified;
  await deps.scheduler.cancel('mfa-timeout', request.id);
  return carryOut(deps, verified.value, waiting.seconds, grant.person, 'extended', true);
}

async function needsReapproval(deps: CoreDeps, r: AccessRequest, endsAt: number): Promise<boolean> {
  if (!r.approval.required) return false;
  // Being on call covered the grant up to the rule's maxDuration; beyond it, people decide.
  if (r.autoApproval && beyondOnCall(deps, r, endsAt)) return true;
  return r.targets.some((t) => targetPolicy(deps.policy(), t).approval.extensions === 'reapprove');
}

function beyondOnCall(deps: CoreDeps, r: AccessRequest, endsAt: number): boolean {
  const total = endsAt - (r.activatedAt ?? endsAt);
  return r.targets.some((t) => {
    const max = targetPolicy(deps.policy(), t).approval.autoApprove?.onCall?.maxDuration;
    return max === undefined || total > max * 1000;
  });
}
