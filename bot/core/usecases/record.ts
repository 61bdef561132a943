/**
 * Applying a transition to the store: the compare-and-set, its audit event, and what to do
 * when another replica or a second click got there first.
 */
import type { AuditAction, AuditEventInput } from '../domain/audit.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type Transition, transition } from '../domain/transitions.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';

export function auditEvent(
  request: AccessRequest,
  action: AuditAction,
  actor: Principal | null,
  at: number,
  details: AuditEventInput['details'] = {},
): AuditEventInput {
  return {
    at,
    action,
    requestId: request.id,
    actor,
    requester: request.requester,
    targets: request.targets,
    state: request.state,
    reason: action === 'request.denied' ? (request.denial?.reason ?? null) : request.reason,
    ticket: request.ticket,
    platform: request.platform,
    details,
  };
}

/** An audit event about someone's action that is not a request transition (a refused look, an export). */
export function actorEvent(
  at: number,
  action: AuditAction,
  actor: Principal,
  details: AuditEventInput['details'],
  requester: Principal | null = null,
): AuditEventInput {
  return {
    at,
    action,
    requestId: null,
    actor,
    requester,
    targets: [],
    state: null,
    reason: null,
    ticket: null,
    platform: null,
    details,
  };
}

/** How many times a lost compare-and-set is re-read and retried before giving up. */
const ATTEMPTS = 5;

/**
 * Re-reads the request, applies `t` and stores it; on a lost race it starts again from the
 * fresh copy, so the outcome is decided by the state that won (a second approval after the
 * first completed gets `already_decided`, never a double transition). Given the request as
 * the caller just read it, the first attempt goes on that copy: the store's compare-and-set
 * refuses it if it is no longer the stored version, and the next attempt reads again.
 */
export async function applyTransition(
  deps: CoreDeps,
  request: string | AccessRequest,
  t: Transition,
  action: AuditAction,
  actor: Principal | null,
  details: AuditEventInput['details'] | ((next: AccessRequest) => AuditEventInput['details']) = {},
): Promise<Result<AccessRequest, AppError>> {
  const requestId = typeof request === 'string' ? request : request.id;
  let known = typeof request === 'string' ? null : request;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = known ?? (await deps.store.get(requestId));
    known = null;
    if (!current) return err(appError('request.not_found', { id: requestId }));
    const now = deps.clock.now();
    const next = transition(current, t, now);
    if (!next.ok) return next;
    const facts = typeof details === 'function' ? details(next.value) : details;
    const saved = await deps.store.update(
      next.value,
      auditEvent(next.value, action, actor, now, facts),
    );
    if (saved.ok) return ok(saved.value);
  }
  return err(appError('request.changed_meanwhile', { id: requestId }));
}

/**
 * Ends a request as failed with `failure` on its record and its cards. `details` are the audit
 * facts (the code, and the role that failed when one did).
 */
export async function markFailed(
  deps: CoreDeps,
  requestId: string,
  failure: { readonly code: string; readonly message: string },
  details: AuditEventInput['details'] = { code: failure.code },
): Promise<Result<AccessRequest, AppError>> {
  const failed = await applyTransition(
    deps,
    requestId,
    { type: 'fail', failure },
    'grant.failed',
    null,
    details,
  );
  if (!failed.ok) return failed;
  await deps.notifier.requestChanged(failed.value, 'failed');
  return failed;
}

/** A decided or withdrawn request needs neither approval deadline any more. */
export async function cancelApprovalTimers(deps: CoreDeps, requestId: string): Promise<void> {
  await Promise.all([
    deps.scheduler.cancel('approval-timeout', requestId),
    deps.scheduler.cancel('escalation-timeout', requestId),
  ]);
}
