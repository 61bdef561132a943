/**
 * A person asks for one or more roles. Checks eligibility in PIM and the effective policy,
 * stores the request with its audit event, and starts approval or activation.
 */
import type { TargetSpec } from '../commands/command.ts';
import {
  combinePolicies,
  effectivePolicy,
  mfaDemand,
  targetPolicy,
} from '../domain/effective-policy.ts';
import { eligibleUntil } from '../domain/eligibility.ts';
import type { RolePolicy } from '../domain/policy.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest, Platform } from '../domain/request.ts';
import { covers, type Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { approveOnCall } from './auto-approve.ts';
import type { CoreDeps } from './deps.ts';
import { startApproved } from './proceed.ts';
import { openRequests } from './queries.ts';
import { disabledActor } from './recheck.ts';
import { auditEvent } from './record.ts';
import { resolveTargets } from './resolve-targets.ts';

export interface SubmitInput {
  readonly requester: Principal;
  readonly platform: Platform;
  readonly targets: readonly TargetSpec[];
  /** The directory scope for directory roles (`/` or an administrative unit). */
  readonly scope: string;
  /** Null: the policy's default duration. */
  readonly durationSeconds: number | null;
  readonly startAt: number | null;
  readonly ticket: string | null;
  readonly reason: string;
}

export async function submit(
  deps: CoreDeps,
  input: SubmitInput,
): Promise<Result<AccessRequest, AppError>> {
  // The chat identity may be cached; whether the account is enabled is read now.
  const disabled = await disabledActor(deps, input.requester);
  if (disabled) return err(disabled);
  const kinds = [...new Set(input.targets.map((t) => t.kind))];
  const eligible = await deps.privileges.eligibilities(input.requester.id, kinds);
  const resolved = await resolveTargets(input.targets, {
    scope: input.scope,
    eligible,
    policy: deps.policy(),
    privileges: deps.privileges,
  });
  if (!resolved.ok) return resolved;
  const targets = resolved.value;
  const missing = targets.find((t) => !eligible.some((e) => covers(e.target, t)));
  if (missing) {
    const error = appError('policy.not_eligible', { role: missing.name, scope: missing.scope });
    await recordRejection(deps, input, targets, error);
    return err(error);
  }
  // A second request for a role already asked for would spend an approver's decision and then
  // fail in PIM (the assignment exists). Refused like the policy checks below: nothing is stored.
  const open = (await openRequests(deps, input.requester)).filter((r) =>
    r.targets.some((o) => targets.some((t) => t.kind === o.kind && t.id === o.id)),
  );
  const blocking = open.find((r) => r.state !== 'scheduled');
  if (blocking) return err(alreadyOpen(blocking, targets));

  const perRole = await Promise.all(
    targets.map(async (t) => {
      const local = targetPolicy(deps.policy(), t);
      const pim = await deps.privileges.rules(t);
      return { target: t, policy: effectivePolicy(local, pim), mfa: mfaDemand(local, pim) };
    }),
  );
  // Without sign-in from chat nothing can prove MFA: refuse before approvers spend a decision.
  const needsMfa = deps.signIn
    ? undefined
    : perRole.find((p) => p.mfa !== null || p.policy.approval.stepUp !== undefined);
  if (needsMfa) {
    const source = needsMfa.mfa ?? 'approval.stepUp';
    return err(appError('policy.mfa_unavailable', { role: needsMfa.target.name, source }));
  }
  const duration =
    input.durationSeconds ?? combinePolicies(perRole.map((p) => p.policy)).defaultDuration;
  // A scheduled request blocks only when its window meets the new one.
  const start = input.startAt ?? deps.clock.now();
  const overlapping = open.find((r) => {
    const from = r.startAt ?? r.createdAt;
    return from < start + duration * 1000 && start < from + r.durationSeconds * 1000;
  });
  if (overlapping) return err(alreadyOpen(overlapping, targets));
  const ticket =
    input.ticket ??
    findTicket(
      input.reason,
      perRole.map((p) => p.policy),
    );
  for (const { target, policy } of perRole) {
    const problem = checkAgainst(policy, target.name, duration, input.reason, ticket);
    if (problem) return err(problem);
  }
  const policy = combinePolicies(perRole.map((p) => p.policy));
  if (policy.approval.required && policy.approval.approvers.length === 0) {
    return err(appError('policy.no_common_approver', { roles: targets.map((t) => t.name) }));
  }

  const now = deps.clock.now();
  const until = eligibleUntil(eligible, targets);
  const request: AccessRequest = {
    id: deps.ids.requestId(),
    version: 1,
    state: policy.approval.required ? 'pending_approval' : 'approved',
    platform: input.platform,
    requester: input.requester,
    targets,
    durationSeconds: duration,
    startAt: input.startAt,
    reason: input.reason.trim(),
    ticket,
    approval: {
      required: policy.approval.required,
      approvers: policy.approval.approvers,
      quorum: policy.approval.required ? policy.approval.quorum : 0,
      timeoutAt: policy.approval.required ? now + policy.approval.timeout * 1000 : null,
      escalateTo: policy.approval.required ? policy.approval.escalateTo : [],
      escalated: false,
      timeoutSeconds: policy.approval.timeout,
      ...(policy.approval.required && policy.approval.stepUp !== undefined
        ? { stepUp: policy.approval.stepUp }
        : {}),
    },
    approvals: [],
    denial: null,
    canceledBy: null,
    createdAt: now,
    updatedAt: now,
    activatedAt: null,
    endsAt: null,
    endedAt: null,
    endReason: null,
    failure: null,
    eligibleUntil: until === 'missing' ? null : until,
  };
  const created = await deps.store.create(
    request,
    auditEvent(request, 'request.submitted', input.requester, now, {
      durationSeconds: duration,
      autoApproved: !policy.approval.required,
    }),
  );
  if (!created.ok) throw new Error(`request id ${request.id} was issued twice`);
  const onCall = await approveOnCall(deps, created.value, perRole);
  if (onCall) return onCall;

  if (request.state === 'pending_approval' && request.approval.timeoutAt !== null) {
    await deps.scheduler.schedule('approval-timeout', request.id, request.approval.timeoutAt);
    await deps.notifier.requestChanged(request, 'submitted');
    return ok(request);
  }
  await deps.notifier.requestChanged(request, 'approved');
  return startApproved(deps, request);
}

function alreadyOpen(open: AccessRequest, targets: readonly Target[]): AppError {
  const role =
    open.targets.find((o) => targets.some((t) => t.kind === o.kind && t.id === o.id))?.name ??
    open.targets[0]?.name ??
    '';
  return appError('request.already_open', { id: open.id, state: open.state, role });
}

function checkAgainst(
  policy: RolePolicy,
  role: string,
  duration: number,
  reason: string,
  ticket: string | null,
): AppError | null {
  if (duration < policy.minDuration)
    return appError('policy.duration_too_short', { role, min: policy.minDuration });
  if (duration > policy.maxDuration)
    return appError('policy.duration_too_long', { role, max: policy.maxDuration });
  const why = reason.trim();
  if (policy.justification.required && why === '')
    return appError('policy.justification_required', { role });
  if (policy.justification.required && why.length < policy.justification.minLength) {
    return appError('policy.justification_too_short', {
      role,
      minLength: policy.justification.minLength,
    });
  }
  if (policy.ticket.required && ticket === null)
    return appError('policy.ticket_required', { role });
  if (ticket !== null && policy.ticket.pattern && !new RegExp(policy.ticket.pattern).test(ticket)) {
    return appError('policy.ticket_format', { role, ticket, pattern: policy.ticket.pattern });
  }
  if (policy.approval.required && policy.approval.approvers.length === 0)
    return appError('policy.no_approvers', { role });
  return null;
}

/** `fixing mail flow INC-4711` carries its ticket: take the first word any role's pattern accepts. */
function findTicket(reason: string, policies: readonly RolePolicy[]): string | null {
  const patterns = policies.flatMap((p) =>
    p.ticket.pattern ? [new RegExp(p.ticket.pattern)] : [],
  );
  if (patterns.length === 0) return null;
  const words = reason.split(/[\s,;()]+/).filter((w) => w !== '');
  return words.find((w) => patterns.every((p) => p.test(w))) ?? null;
}

async function recordRejection(
  deps: CoreDeps,
  input: SubmitInput,
  targets: readonly Target[],
  error: AppError,
): Promise<void> {
  const now = deps.clock.now();
  await deps.audit.append({
    at: now,
    action: 'request.rejected',
    requestId: null,
    actor: input.requester,
    requester: input.requester,
    targets,
    state: 'rejected',
    reason: input.reason,
    ticket: input.ticket,
    platform: input.platform,
    details: { code: error.code },
  });
}
