/**
 * The request state machine as pure functions: each takes the current request and returns the
 * next version, or the catalogue error that says why not. Nothing here does I/O; the use
 * cases check what needs the directory (is this person an approver?) before calling in.
 */
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { Principal } from './principal.ts';
import type {
  AccessRequest,
  AutoApproval,
  EndReason,
  Failure,
  PimApprovalWait,
  RequestState,
  TargetFailure,
} from './request.ts';

export type Transition =
  | {
      readonly type: 'approve';
      readonly by: Principal;
      /** The requester's eligibility end, read again just before this approval (recheck.ts). */
      readonly eligibleUntil?: number | null;
    }
  | { readonly type: 'auto_approve'; readonly approval: AutoApproval }
  | { readonly type: 'note_auto_approval'; readonly note: string }
  | { readonly type: 'deny'; readonly by: Principal; readonly reason: string }
  | { readonly type: 'cancel'; readonly by: Principal }
  | { readonly type: 'expire_approval' }
  | { readonly type: 'escalate' }
  | { readonly type: 'schedule' }
  | { readonly type: 'start_activation'; readonly eligibleUntil?: number | null }
  | { readonly type: 'await_mfa'; readonly deadline: number }
  | { readonly type: 'mfa_verified'; readonly by: Principal }
  | { readonly type: 'sign_in_refused'; readonly by: Principal; readonly message: string }
  | { readonly type: 'mfa_expired'; readonly failure: Failure }
  | { readonly type: 'renew_sign_in'; readonly by: Principal }
  | {
      readonly type: 'activated';
      readonly endsAt: number;
      /** Targets PIM refused while the others were granted. */
      readonly failedTargets?: readonly TargetFailure[];
    }
  | { readonly type: 'fail'; readonly failure: Failure }
  | { readonly type: 'end'; readonly reason: EndReason }
  | { readonly type: 'extend'; readonly endsAt: number }
  /** Ends sooner than planned: an early end the provider does only from `endsAt` on. */
  | { readonly type: 'defer_end'; readonly endsAt: number }
  | { readonly type: 'ask_extension'; readonly seconds: number }
  | { readonly type: 'approve_extension'; readonly by: Principal }
  | { readonly type: 'deny_extension'; readonly by: Principal; readonly reason: string }
  | { readonly type: 'await_extension_mfa'; readonly seconds: number; readonly deadline: number }
  | { readonly type: 'extension_mfa_verified'; readonly by: Principal; readonly askedAt: number }
  | { readonly type: 'extension_mfa_expired' }
  | { readonly type: 'acknowledge_breakglass'; readonly by: Principal }
  | { readonly type: 'escalate_breakglass' }
  /** Delegated mode: PIM holds the self-activation for its own approvers. */
  | { readonly type: 'await_pim_approval'; readonly wait: PimApprovalWait }
  | {
      readonly type: 'pim_reviewed';
      readonly by: Principal;
      readonly decision: 'approve' | 'deny';
    };

/** A break-glass request is acknowledged or escalated whatever became of the grant. */
const AFTER_APPROVAL: readonly RequestState[] = [
  'approved',
  'scheduled',
  'awaiting_mfa',
  'activating',
  'active',
  'failed',
  'ended',
];

/** Which states each transition may leave from. Anything else is refused. */
const FROM: Record<Transition['type'], readonly RequestState[]> = {
  approve: ['pending_approval'],
  auto_approve: ['pending_approval'],
  note_auto_approval: ['pending_approval'],
  deny: ['pending_approval'],
  cancel: ['pending_approval', 'approved', 'scheduled', 'awaiting_mfa'],
  expire_approval: ['pending_approval'],
  escalate: ['pending_approval'],
  schedule: ['approved'],
  start_activation: ['approved', 'scheduled'],
  await_mfa: ['approved', 'scheduled'],
  mfa_verified: ['awaiting_mfa'],
  sign_in_refused: ['awaiting_mfa', 'pending_approval', 'active'],
  mfa_expired: ['awaiting_mfa'],
  renew_sign_in: ['awaiting_mfa', 'active'],
  activated: ['activating'],
  fail: ['activating'],
  end: ['active'],
  extend: ['active'],
  defer_end: ['active'],
  ask_extension: ['active'],
  approve_extension: ['active'],
  deny_extension: ['active'],
  await_extension_mfa: ['active'],
  extension_mfa_verified: ['active'],
  extension_mfa_expired: ['active'],
  acknowledge_breakglass: AFTER_APPROVAL,
  escalate_breakglass: AFTER_APPROVAL,
  await_pim_approval: ['activating'],
  pim_reviewed: ['activating'],
};

const ACTION_WORDS: Record<Transition['type'], string> = {
  approve: 'approved',
  auto_approve: 'approved',
  note_auto_approval: 'noted',
  deny: 'denied',
  cancel: 'canceled',
  expire_approval: 'expired',
  escalate: 'escalated',
  schedule: 'scheduled',
  start_activation: 'activated',
  await_mfa: 'activated',
  mfa_verified: 'activated',
  sign_in_refused: 'signed in for',
  mfa_expired: 'marked failed',
  renew_sign_in: 'sent a new sign-in link',
  activated: 'activated',
  fail: 'marked failed',
  end: 'ended',
  extend: 'extended',
  defer_end: 'ended',
  ask_extension: 'extended',
  approve_extension: 'extended',
  deny_extension: 'extended',
  await_extension_mfa: 'extended',
  extension_mfa_verified: 'extended',
  extension_mfa_expired: 'extended',
  acknowledge_breakglass: 'acknowledged',
  escalate_breakglass: 'escalated',
  await_pim_approval: 'activated',
  pim_reviewed: 'decided in PIM',
};

export function transition(
  request: AccessRequest,
  t: Transition,
  now: number,
): Result<AccessRequest, AppError> {
  if (!FROM[t.type].includes(request.state)) {
    const decision = t.type === 'approve' || t.type === 'deny';
    return err(
      decision
        ? appError('request.already_decided', { id: request.id, state: request.state })
        : appError('request.wrong_state', {
            id: request.id,
            state: request.state,
            action: ACTION_WORDS[t.type],
          }),
    );
  }
  const next = (changes: Partial<AccessRequest>): Result<AccessRequest, AppError> =>
    ok({ ...request, ...changes, version: request.version + 1, updatedAt: now });

  switch (t.type) {
    case 'approve': {
      if (t.by.id === request.requester.id) return err(appError('request.self_approval'));
      if (request.approvals.some((a) => a.by.id === t.by.id)) {
        return err(appError('request.already_approved_by_you'));
      }
      const approvals = [...request.approvals, { by: t.by, at: now }];
      const reached = approvals.length >= request.approval.quorum;
      return next({
        approvals,
        state: reached ? 'approved' : 'pending_approval',
        ...(t.eligibleUntil === undefined ? {} : { eligibleUntil: t.eligibleUntil }),
      });
    }
    case 'auto_approve':
      return next({ state: 'approved', autoApproval: t.approval, autoApprovalNote: null });
    case 'note_auto_approval':
      return next({ autoApprovalNote: t.note });
    case 'deny': {
      if (t.by.id === request.requester.id) return err(appError('request.self_approval'));
      if (t.reason.trim() === '') return err(appError('request.deny_reason_required'));
      return next({ state: 'denied', denial: { by: t.by, at: now, reason: t.reason.trim() } });
    }
    case 'cancel':
      if (t.by.id !== request.requester.id) {
        return err(appError('request.not_requester', { id: request.id }));
      }
      return next({ state: 'canceled', canceledBy: t.by });
    case 'expire_approval':
      return next({ state: 'approval_expired' });
    case 'escalate': {
      const approvers = [
        ...new Set([...request.approval.approvers, ...request.approval.escalateTo]),
      ];
      const timeoutAt = now + request.approval.timeoutSeconds * 1000;
      return next({ approval: { ...request.approval, approvers, escalated: true, timeoutAt } });
    }
    case 'schedule':
      return next({ state: 'scheduled' });
    case 'start_activation':
      return next({
        state: 'activating',
        ...(t.eligibleUntil === undefined ? {} : { eligibleUntil: t.eligibleUntil }),
      });
    case 'await_mfa':
      return next({ state: 'awaiting_mfa', stepUp: { deadline: t.deadline, verifiedAt: null } });
    case 'mfa_verified':
      if (t.by.id !== request.requester.id) {
        return err(appError('request.not_requester', { id: request.id }));
      }
      return next({
        state: 'approved',
        stepUp: { deadline: request.stepUp?.deadline ?? now, verifiedAt: now },
        signInNotice: null,
      });
    case 'sign_in_refused':
      return next({ signInNotice: { by: t.by, at: now, message: t.message } });
    case 'mfa_expired':
      return next({ state: 'failed', failure: t.failure });
    case 'renew_sign_in':
      // Only a version bump: the change that follows sends the requester a fresh link.
      if (t.by.id !== request.requester.id) {
        return err(appError('request.not_requester', { id: request.id }));
      }
      if (request.state === 'active' && !request.extensionStepUp)
        return err(appError('signin.not_waiting', { id: request.id, state: request.state }));
      return next({});
    case 'activated':
      return next({
        state: 'active',
        activatedAt: now,
        endsAt: t.endsAt,
        ...(t.failedTargets?.length ? { failedTargets: t.failedTargets } : {}),
      });
    case 'fail':
      return next({ state: 'failed', failure: t.failure });
    case 'end':
      // A pending extension lapses with the grant.
      return next({
        state: 'ended',
        endedAt: now,
        endReason: t.reason,
        extension: null,
        extensionStepUp: null,
      });
    case 'extend':
      if (t.endsAt <= (request.endsAt ?? 0)) {
        return err(
          appError('request.wrong_state', {
            id: request.id,
            state: request.state,
            action: 'shortened by extend',
          }),
        );
      }
      return next({ endsAt: t.endsAt, extension: null, extensionStepUp: null });
    case 'defer_end':
      return next({ endsAt: Math.min(t.endsAt, request.endsAt ?? t.endsAt), extension: null });
    case 'ask_extension':
      if (request.extension || request.extensionStepUp)
        return err(appError('request.extension_pending', { id: request.id }));
      return next({ extension: { seconds: t.seconds, askedAt: now, approvals: [] } });
    case 'approve_extension': {
      const pending = request.extension;
      if (!pending)
        return err(appError('request.already_decided', { id: request.id, state: request.state }));
      if (t.by.id === request.requester.id) return err(appError('request.self_approval'));
      if (pending.approvals.some((a) => a.by.id === t.by.id))
        return err(appError('request.already_approved_by_you'));
      return next({
        extension: { ...pending, approvals: [...pending.approvals, { by: t.by, at: now }] },
      });
    }
    case 'deny_extension':
      if (!request.extension)
        return err(appError('request.already_decided', { id: request.id, state: request.state }));
      if (t.by.id === request.requester.id) return err(appError('request.self_approval'));
      if (t.reason.trim() === '') return err(appError('request.deny_reason_required'));
      return next({ extension: null });
    case 'await_extension_mfa':
      // The approvals (if any) are done and in the audit log; what is left is the sign-in.
      if (request.extensionStepUp)
        return err(appError('request.extension_pending', { id: request.id }));
      return next({
        extension: null,
        extensionStepUp: { seconds: t.seconds, askedAt: now, deadline: t.deadline },
        signInNotice: null,
      });
    case 'extension_mfa_verified':
      // Taken once: a second sign-in for the same extension finds nothing waiting.
      if (t.by.id !== request.requester.id)
        return err(appError('request.not_requester', { id: request.id }));
      if (request.extensionStepUp?.askedAt !== t.askedAt)
        return err(appError('signin.not_waiting', { id: request.id, state: request.state }));
      return next({ extensionStepUp: null, signInNotice: null });
    case 'extension_mfa_expired':
      if (!request.extensionStepUp)
        return err(appError('signin.not_waiting', { id: request.id, state: request.state }));
      return next({ extensionStepUp: null });
    case 'await_pim_approval':
      return next({ pimApproval: t.wait });
    case 'pim_reviewed': {
      const wait = request.pimApproval;
      if (!wait) return err(appError('delegated.no_pim_approval', { id: request.id }));
      if (t.by.id === request.requester.id) return err(appError('request.self_approval'));
      if (wait.decision)
        return err(
          appError('delegated.pim_already_reviewed', {
            id: request.id,
            by: wait.decidedBy?.displayName ?? 'an approver',
          }),
        );
      return next({ pimApproval: { ...wait, decidedBy: t.by, decision: t.decision } });
    }
    case 'acknowledge_breakglass': {
      const mark = request.breakglass;
      if (!mark) return err(appError('breakglass.not_breakglass', { id: request.id }));
      if (t.by.id === request.requester.id) return err(appError('breakglass.self_acknowledge'));
      if (mark.acknowledgedBy)
        return err(
          appError('breakglass.already_acknowledged', {
            id: request.id,
            by: mark.acknowledgedBy.displayName,
          }),
        );
      return next({ breakglass: { ...mark, acknowledgedBy: t.by, acknowledgedAt: now } });
    }
    case 'escalate_breakglass': {
      const mark = request.breakglass;
      if (!mark) return err(appError('breakglass.not_breakglass', { id: request.id }));
      if (mark.acknowledgedBy || mark.escalatedAt !== null)
        return err(
          appError('request.wrong_state', {
            id: request.id,
            state: request.state,
            action: 'escalated',
          }),
        );
      return next({
        breakglass: { ...mark, escalatedAt: now },
        approval: { ...request.approval, escalated: true },
      });
    }
  }
}

/** Whether a pending extension has its approvals and should be carried out. */
export const extensionApproved = (r: AccessRequest): boolean =>
  !!r.extension && r.extension.approvals.length >= r.approval.quorum;
