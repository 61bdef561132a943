/**
 * Grants an approved request in PIM. Run by the activate job: the `activating` state is the
 * lock that keeps a second worker or replica from granting twice; a retry of the same job
 * (`resume`) picks an interrupted activation up again, and the provider treats an assignment
 * that already exists for this request as done. A fresh start (after approval, or a scheduled
 * start) re-reads the facts first (recheck.ts): the requester's account still enabled, still
 * eligible, and until when, unless an approval read them a moment ago; the grant is cut to
 * end when the eligibility does.
 */
import { onCallText } from '../domain/auto-approval.ts';
import { mfaDemand, targetPolicy } from '../domain/effective-policy.ts';
import { cutByEligibility, grantSeconds, MIN_GRANT_SECONDS } from '../domain/eligibility.ts';
import type { AccessRequest, Failure, TargetFailure } from '../domain/request.ts';
import { type Target, targetLabel } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import {
  delegatedRefusal,
  type Grantor,
  holdForDelegation,
  isDelegated,
} from './delegated-checks.ts';
import type { CoreDeps } from './deps.ts';
import { scheduleEndTimers } from './grant-timers.ts';
import { factsOfApproval, stillGrantable } from './recheck.ts';
import { applyTransition, markFailed } from './record.ts';
import { holdForMfa } from './step-up.ts';

export async function activate(
  deps: CoreDeps,
  requestId: string,
  opts: {
    readonly resume: boolean;
    /** Delegated mode: grants with the requester's own token (delegated.ts). */
    readonly grant?: Grantor;
  } = { resume: false },
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  let request = current;
  // Delegated mode never falls back to the app's own grant: without a token it waits for one.
  const delegated = isDelegated(deps, current);
  if (current.state === 'approved' || current.state === 'scheduled') {
    const facts = factsOfApproval(deps, current) ?? (await stillGrantable(deps, current, false));
    // The facts first: a disabled account or a lost eligibility is refused, not asked for MFA.
    if (facts.ok) {
      const held = delegated
        ? opts.grant
          ? null
          : await holdForDelegation(deps, current)
        : await holdForMfa(deps, current);
      if (held) return held;
    }
    const started = await applyTransition(
      deps,
      current,
      { type: 'start_activation', ...(facts.ok ? { eligibleUntil: facts.value } : {}) },
      'grant.activating',
      null,
    );
    if (!started.ok) {
      // Another worker started it between our read and our write: its activation stands.
      const latest = await deps.store.get(requestId);
      return started.error.code === 'request.wrong_state' && latest ? ok(latest) : started;
    }
    request = started.value;
    const refused =
      (facts.ok ? endingSoon(deps, request) : facts.error) ??
      (delegated
        ? (delegatedRefusal(deps, request) ??
          (opts.grant ? null : appError('delegated.token_missing', { id: requestId })))
        : await mfaRefusal(deps, request));
    if (refused) return refuse(deps, request, refused);
  } else if (!(current.state === 'activating' && opts.resume)) {
    return ok(current);
  } else if (delegated && !opts.grant) {
    return refuse(deps, current, appError('delegated.token_missing', { id: requestId }));
  }
  const grantWith: Grantor = opts.grant ?? ((g) => deps.privileges.activate(g));

  // One activation per target: a target PIM refuses is reported on its own, the others stand.
  const granted: Target[] = [];
  const refused: { readonly target: Target; readonly error: AppError }[] = [];
  const held: { readonly target: Target; readonly approvalId: string }[] = [];
  let endsAt = Number.POSITIVE_INFINITY;
  let cut = false;
  for (const target of request.targets) {
    const startAt = deps.clock.now();
    cut ||= cutByEligibility(request, startAt);
    const result = await grantWith({
      principalId: request.requester.id,
      target,
      startAt,
      durationSeconds: grantSeconds(request, startAt),
      justification: justification(request),
      ticket: request.ticket,
      requestId: request.id,
    });
    if (!result.ok) {
      refused.push({ target, error: result.error });
      continue;
    }
    const pending = result.value.pendingApproval;
    if (pending) {
      held.push({ target, approvalId: pending.approvalId });
      continue;
    }
    granted.push(target);
    endsAt = Math.min(endsAt, result.value.endsAt);
  }
  const [only] = held;
  if (only && held.length === 1 && granted.length === 0 && refused.length === 0)
    return awaitPimApproval(deps, request, only.target, only.approvalId);
  // PIM's approvers are asked for a request of one target; with others, it is requested alone.
  for (const h of held)
    refused.push({
      target: h.target,
      error: appError('delegated.pim_approval_mixed', { role: targetLabel(h.target) }),
    });
  if (granted.length === 0) return fail(deps, request, refused);
  const failed = refused.map(({ target, error }): TargetFailure => {
    const facts = { role: targetLabel(target), detail: error.message.replace(/\.$/, '') };
    return { target, code: error.code, message: appError('grant.target_failed', facts).message };
  });

  const active = await applyTransition(
    deps,
    requestId,
    { type: 'activated', endsAt, ...(failed.length > 0 ? { failedTargets: failed } : {}) },
    'grant.activated',
    null,
    {
      endsAt,
      ...(failed.length > 0
        ? {
            granted: granted.map(targetLabel).join(', '),
            failed: failed.map((f) => `${targetLabel(f.target)} (${f.code})`).join(', '),
          }
        : {}),
      // Said in the audit trail too: this grant was cut to end with the eligibility.
      ...(cut && request.eligibleUntil != null ? { eligibleUntil: request.eligibleUntil } : {}),
    },
  );
  if (!active.ok) return active;
  await deps.scheduler.schedule('verify', requestId, deps.clock.now());
  await scheduleEndTimers(deps, request, endsAt);
  await deps.notifier.requestChanged(active.value, 'activated');
  return active;
}

/**
 * Delegated mode, where the role's PIM policy requires approval: PIM holds the
 * self-activation, and the approvers its approval rule names are asked in chat (the request
 * stays `activating`; the approver's decision in PIM activates or fails it, delegated.ts).
 */
async function awaitPimApproval(
  deps: CoreDeps,
  request: AccessRequest,
  target: Target,
  approvalId: string,
): Promise<Result<AccessRequest, AppError>> {
  const approverIds = (await deps.privileges.rules(target)).approverIds ?? [];
  const wait = {
    target,
    approvalId,
    approverIds,
    askedAt: deps.clock.now(),
    decidedBy: null,
    decision: null,
  };
  const waiting = await applyTransition(
    deps,
    request.id,
    { type: 'await_pim_approval', wait },
    'grant.pim_approval_pending',
    null,
    { approvalId, approvers: approverIds.join(', ') },
  );
  if (!waiting.ok) return waiting;
  await deps.notifier.requestChanged(waiting.value, 'pim_approval_pending');
  return waiting;
}

/** The eligibility ends so soon that what is left of the grant is not worth making. */
function endingSoon(deps: CoreDeps, request: AccessRequest): AppError | null {
  const now = deps.clock.now();
  if (!cutByEligibility(request, now) || grantSeconds(request, now) >= MIN_GRANT_SECONDS)
    return null;
  return appError('grant.eligibility_ending', {
    roles: request.targets.map((t) => t.name),
    until: request.eligibleUntil ?? now,
  });
}

/**
 * A role that needs MFA is granted only after the requester's verified sign-in (holdForMfa);
 * without sign-in from chat it is refused, here as well as at submit, because policy.yaml or
 * the role's PIM settings may have changed while the request waited. Only at a fresh start:
 * a resumed activation passed this check before it granted anything.
 */
async function mfaRefusal(deps: CoreDeps, request: AccessRequest): Promise<AppError | null> {
  if (request.stepUp?.verifiedAt) return null;
  for (const target of request.targets) {
    const source = mfaDemand(
      targetPolicy(deps.policy(), target),
      await deps.privileges.rules(target),
    );
    if (source) return appError('policy.mfa_unavailable', { role: target.name, source });
  }
  return null;
}

/** Failed before anything was granted; the requester reads the refusal as it is. */
function refuse(
  deps: CoreDeps,
  request: AccessRequest,
  error: AppError,
): Promise<Result<AccessRequest, AppError>> {
  return markFailed(deps, request.id, { code: error.code, message: error.message });
}

/** Nothing was granted: the request fails with every target's reason. */
function fail(
  deps: CoreDeps,
  request: AccessRequest,
  refused: readonly { readonly target: Target; readonly error: AppError }[],
): Promise<Result<AccessRequest, AppError>> {
  const role = refused.map((r) => targetLabel(r.target)).join(', ');
  const detail = refused.map((r) => r.error.message.replace(/\.$/, '')).join('; ');
  const failure: Failure = {
    code: refused[0]?.error.code ?? 'grant.failed',
    message: appError('grant.failed', { role, detail }).message,
  };
  return markFailed(deps, request.id, failure, { code: failure.code, role });
}

/** What PIM records as the reason: enough to trace the grant back without the bot. */
export function justification(request: AccessRequest): string {
  const approvers = request.approvals.map((a) => a.by.email ?? a.by.displayName);
  // The `elevate <id>` mark comes first: it is how a retried activation recognises its own
  // grant, so PIM's 500-character cap may only ever shorten the other facts.
  const facts = [
    `elevate ${request.id}, requested by ${request.requester.email ?? request.requester.displayName}`,
    request.autoApproval
      ? `approved: ${onCallText(request.autoApproval)}`
      : approvers.length > 0
        ? `approved by ${approvers.join(', ')}`
        : request.breakglass
          ? 'break-glass, without approval'
          : 'no approval required',
    request.ticket ? `ticket ${request.ticket}` : '',
    request.reason,
  ];
  return facts
    .filter((p) => p !== '')
    .join(' | ')
    .slice(0, 500);
}
