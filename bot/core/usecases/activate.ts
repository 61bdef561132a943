/**
 * Grants an approved request in PIM. Run by the activate job: the `activating` state is the
 * lock that keeps a second worker or replica from granting twice; a retry of the same job
 * (`resume`) picks an interrupted activation up again, and the provider treats an assignment
 * that already exists for this request as done.
 */
import { mfaDemand, rolePolicy } from '../domain/effective-policy.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { scheduleEndTimers } from './grant-timers.ts';
import { applyTransition } from './record.ts';
import { holdForMfa } from './step-up.ts';

export async function activate(
  deps: CoreDeps,
  requestId: string,
  opts: { readonly resume: boolean } = { resume: false },
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  let request = current;
  if (current.state === 'approved' || current.state === 'scheduled') {
    const held = await holdForMfa(deps, current);
    if (held) return held;
    const started = await applyTransition(
      deps,
      requestId,
      { type: 'start_activation' },
      'grant.activating',
      null,
    );
    if (!started.ok) {
      // Another worker started it between our read and our write: its activation stands.
      const latest = await deps.store.get(requestId);
      return started.error.code === 'request.wrong_state' && latest ? ok(latest) : started;
    }
    request = started.value;
    const refused = await mfaRefusal(deps, request);
    if (refused) return refuse(deps, request, refused);
  } else if (!(current.state === 'activating' && opts.resume)) {
    return ok(current);
  }

  const granted: Target[] = [];
  let endsAt = Number.POSITIVE_INFINITY;
  for (const target of request.targets) {
    const result = await deps.privileges.activate({
      principalId: request.requester.id,
      target,
      startAt: deps.clock.now(),
      durationSeconds: request.durationSeconds,
      justification: justification(request),
      ticket: request.ticket,
      requestId: request.id,
    });
    if (!result.ok) return fail(deps, request, granted, target, result.error);
    granted.push(target);
    endsAt = Math.min(endsAt, result.value.endsAt);
  }

  const active = await applyTransition(
    deps,
    requestId,
    { type: 'activated', endsAt },
    'grant.activated',
    null,
    {
      endsAt,
    },
  );
  if (!active.ok) return active;
  await deps.scheduler.schedule('verify', requestId, deps.clock.now());
  await scheduleEndTimers(deps, request, endsAt);
  await deps.notifier.requestChanged(active.value, 'activated');
  return active;
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
      rolePolicy(deps.policy(), target.name),
      await deps.privileges.rules(target),
    );
    if (source) return appError('policy.mfa_unavailable', { role: target.name, source });
  }
  return null;
}

/** Failed before anything was granted; the requester reads the refusal as it is. */
async function refuse(
  deps: CoreDeps,
  request: AccessRequest,
  error: AppError,
): Promise<Result<AccessRequest, AppError>> {
  const failed = await applyTransition(
    deps,
    request.id,
    { type: 'fail', failure: { code: error.code, message: error.message } },
    'grant.failed',
    null,
    { code: error.code },
  );
  if (!failed.ok) return failed;
  await deps.notifier.requestChanged(failed.value, 'failed');
  return failed;
}

/** All roles of a request or none: whatever was granted before the failure is taken back. */
async function fail(
  deps: CoreDeps,
  request: AccessRequest,
  granted: readonly Target[],
  target: Target,
  error: AppError,
): Promise<Result<AccessRequest, AppError>> {
  for (const done of granted) {
    const undone = await deps.privileges.deactivate(request.requester.id, done, request.id);
    if (!undone.ok)
      throw new Error(`rollback of ${done.name} for ${request.id} failed: ${undone.error.code}`);
  }
  const failure = {
    code: error.code,
    message: appError('grant.failed', { role: target.name, detail: error.message }).message,
  };
  const failed = await applyTransition(
    deps,
    request.id,
    { type: 'fail', failure },
    'grant.failed',
    null,
    {
      code: error.code,
      role: target.name,
    },
  );
  if (!failed.ok) return failed;
  await deps.notifier.requestChanged(failed.value, 'failed');
  return failed;
}

/** What PIM records as the reason: enough to trace the grant back without the bot. */
export function justification(request: AccessRequest): string {
  const approvers = request.approvals.map((a) => a.by.email ?? a.by.displayName);
  // The `elevate <id>` mark comes first: it is how a retried activation recognises its own
  // grant, so PIM's 500-character cap may only ever shorten the other facts.
  const facts = [
    `elevate ${request.id}, requested by ${request.requester.email ?? request.requester.displayName}`,
    approvers.length > 0 ? `approved by ${approvers.join(', ')}` : 'no approval required',
    request.ticket ? `ticket ${request.ticket}` : '',
    request.reason,
  ];
  return facts
    .filter((p) => p !== '')
    .join(' | ')
    .slice(0, 500);
}
