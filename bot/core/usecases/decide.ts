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

/** The request, if this person may decide it at all: not their own, and still open. */
async function decidable(
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
  return ok(request);
}

/** Why the approver may not decide it now: past its deadline, disabled, not an approver. */
async function approverRefusal(
  deps: CoreDeps,
  request: AccessRequest,
  approver: Principal,
): Promise<AppError | null> {
  const late = deadlinePassed(deps, request);
  if (late) return late;
  // Both reads at once; the account is answered first, as before.
  const listed = deps.directory.isAnyOf(approver.id, request.approval.approvers);
  listed.catch(() => {});
  const disabled = await disabledActor(deps, approver);
  if (disabled) return disabled;
  if (!(await listed))
    return appError('request.not_approver', { roles: request.targets.map((t) => t.name) });
  return null;
}

async function mayDecide(
  deps: CoreDeps,
  requestId: string,
  approver: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const open = await decidable(deps, requestId, approver);
  if (!open.ok) return open;
  const refused = await approverRefusal(deps, open.value, approver);
  return refused ? err(refused) : open;
}

export async function approve(
  deps: CoreDeps,
  requestId: string,
  approver: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const open = await decidable(deps, requestId, approver);
  if (!open.ok) return open;
  // The requester's account and eligibility are read while the approver's are: one round
  // trip to Graph before the approval is recorded, not two.
  const grantable = open.value.state === 'active' ? null : stillGrantable(deps, open.value, true);
  grantable?.catch(() => {});
  const refused = await approverRefusal(deps, open.value, approver);
  if (refused) return err(refused);
  const stepUp = await approverStepUp(deps, open.value, approver);
  if (stepUp) return stepUp;
  if (!grantable) return approveExtension(deps, requestId, approver);
  const facts = await grantable;
  if (!facts.ok) return facts;
  const saved = await applyTransition(
    deps,
    // As read before the Graph round: a change since then loses the compare-and-set.
    open.value,
    // What was just read stands for the activation that follows at once (activate.ts).
    { type: 'approve', by: approver, eligibleUntil: facts.value },
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
  // Both before the activation is queued, so that its messages follow the approval's.
  await Promise.all([
    cancelApprovalTimers(deps, request.id),
    deps.notifier.requestChanged(request, 'approved'),
  ]);
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
