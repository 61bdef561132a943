/**
 * Approvers decide. Who clicked comes from the platform's authenticated identity, resolved to
 * an Entra user by the adapter; the checks run in the order a person would want to hear them:
 * own request, already decided, past its deadline, not an approver (account disabled, read
 * now), and for an approval: the requester still enabled and eligible (recheck.ts). The same
 * buttons decide an extension that waits for re-approval on an active grant.
 */
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { extensionApproved } from '../domain/transitions.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { carryOut } from './extend.ts';
import { startApproved } from './proceed.ts';
import { deadlinePassed, disabledActor, stillGrantable } from './recheck.ts';
import { applyTransition, cancelApprovalTimers } from './record.ts';
import { approverStepUp } from './step-up.ts';

async function mayDecide(
  deps: CoreDeps,
  requestId: string,
  approver: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const request = await deps.store.get(requestId);
  if (!request) return err(appError('request.not_found', { id: requestId }));
  if (request.requester.id === approver.id) return err(appError('request.self_approval'));
  const extending = request.state === 'active' && !!request.extension;
  if (request.state !== 'pending_approval' && !extending) {
    return err(appError('request.already_decided', { id: request.id, state: request.state }));
  }
  const refused = deadlinePassed(deps, request) ?? (await disabledActor(deps, approver));
  if (refused) return err(refused);
  if (!(await deps.directory.isAnyOf(approver.id, request.approval.approvers))) {
    return err(appError('request.not_approver', { roles: request.targets.map((t) => t.name) }));
  }
  return ok(request);
}

export async function approve(
  deps: CoreDeps,
  requestId: string,
  approver: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const allowed = await mayDecide(deps, requestId, approver);
  if (!allowed.ok) return allowed;
  const stepUp = await approverStepUp(deps, allowed.value, approver);
  if (stepUp) return stepUp;
  if (allowed.value.state === 'active') return approveExtension(deps, requestId, approver);
  const grantable = await stillGrantable(deps, allowed.value, true);
  if (!grantable.ok) return grantable;
  const saved = await applyTransition(
    deps,
    requestId,
    { type: 'approve', by: approver },
    'request.approved',
    approver,
    (next) => ({
      approvals: next.approvals.length,
      quorum: next.approval.quorum,
    }),
  );
  if (!saved.ok) return saved;
  const request = saved.value;
  if (request.state !== 'approved') {
    await deps.notifier.requestChanged(request, 'approval_added');
    return saved;
  }
  await cancelApprovalTimers(deps, request.id);
  await deps.notifier.requestChanged(request, 'approved');
  return startApproved(deps, request);
}

export async function deny(
  deps: CoreDeps,
  requestId: string,
  approver: Principal,
  reason: string,
): Promise<Result<AccessRequest, AppError>> {
  if (reason.trim() === '') return err(appError('request.deny_reason_required'));
  const allowed = await mayDecide(deps, requestId, approver);
  if (!allowed.ok) return allowed;
  if (allowed.value.state === 'active') {
    const denied = await applyTransition(
      deps,
      requestId,
      { type: 'deny_extension', by: approver, reason },
      'grant.extension_denied',
      approver,
      { reason: reason.trim() },
    );
    if (denied.ok) await deps.notifier.requestChanged(denied.value, 'extension_denied');
    return denied;
  }
  const saved = await applyTransition(
    deps,
    requestId,
    { type: 'deny', by: approver, reason },
    'request.denied',
    approver,
  );
  if (!saved.ok) return saved;
  await cancelApprovalTimers(deps, requestId);
  await deps.notifier.requestChanged(saved.value, 'denied');
  return saved;
}

async function approveExtension(
  deps: CoreDeps,
  requestId: string,
  approver: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const saved = await applyTransition(
    deps,
    requestId,
    { type: 'approve_extension', by: approver },
    'grant.extension_approval_added',
    approver,
    (next) => ({ approvals: next.extension?.approvals.length ?? 0, quorum: next.approval.quorum }),
  );
  if (!saved.ok) return saved;
  const request = saved.value;
  if (!extensionApproved(request) || !request.extension) {
    await deps.notifier.requestChanged(request, 'approval_added');
    return saved;
  }
  return carryOut(deps, request, request.extension.seconds, approver, 'extension_approved');
}
