/**
 * Break-glass (policy `breakglass:`): a person listed under `allowed` activates a listed
 * target at once, without approval, after confirming. It is still bounded by PIM eligibility
 * (checked here and again by the provider at activation) and still audited; the security
 * channel and every approver are told loudly, and the approvers must acknowledge it within
 * `reviewWithin`, or the breakglass-review job escalates it to the security channel and the
 * backup approvers (approval.escalateTo).
 */
import { parseRoleList } from '../commands/role-list.ts';
import type { SecurityAlert } from '../domain/alert.ts';
import { formatDuration } from '../domain/duration.ts';
import { effectivePolicy, mfaDemand, targetPolicy } from '../domain/effective-policy.ts';
import { eligibleUntil } from '../domain/eligibility.ts';
import type { BreakglassPolicy } from '../domain/policy.ts';
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest, Platform } from '../domain/request.ts';
import { covers, type Target } from '../domain/target.ts';
import { type AppError, appError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { startApproved } from './proceed.ts';
import { openRequests, roleCatalogue } from './queries.ts';
import { disabledActor } from './recheck.ts';
import { actorEvent, applyTransition, auditEvent } from './record.ts';
import { resolveTargets } from './resolve-targets.ts';

export interface BreakglassInput {
  readonly requester: Principal;
  readonly platform: Platform;
  /** What followed `/elevate breakglass`: a listed target, then the reason. */
  readonly text: string;
}

/** What the person confirms before anything is granted. */
export interface BreakglassPlan {
  readonly target: Target;
  /** The listed target as typed in policy.yaml. */
  readonly listed: string;
  readonly reason: string;
  readonly durationSeconds: number;
  /** Policy references of the people told and asked to acknowledge. */
  readonly approvers: readonly string[];
  /** The text that, after `/elevate breakglass confirm`, activates this plan. */
  readonly confirmText: string;
}

/**
 * Checks a break-glass attempt and says what confirming would do. A person not allowed, or
 * a target not listed, is refused, audited and reported to the security channel.
 */
export async function planBreakglass(
  deps: CoreDeps,
  input: BreakglassInput,
): Promise<Result<BreakglassPlan, AppError>> {
  const rules = deps.policy().breakglass;
  if (!rules) return err(appError('breakglass.not_configured'));
  const disabled = await disabledActor(deps, input.requester);
  if (disabled) return err(disabled);
  const listed = listedTarget(rules, input.text);
  if (!(await deps.directory.isAnyOf(input.requester.id, rules.allowed)))
    return refuse(deps, input, listed?.target ?? null, appError('breakglass.not_allowed'));
  if (!listed) {
    const error = appError('breakglass.target_not_listed', {
      text: input.text.trim(),
      targets: rules.targets,
    });
    return refuse(deps, input, null, error);
  }
  const reason = listed.rest.replace(/^--\s*/, '').trim();
  if (reason === '') return err(appError('breakglass.reason_required', { target: listed.target }));

  const specs = parseRoleList(listed.target, await roleCatalogue(deps));
  if (!specs.ok) return specs;
  const kinds = [...new Set(specs.value.map((s) => s.kind))];
  const eligible = await deps.privileges.eligibilities(input.requester.id, kinds);
  const resolved = await resolveTargets(specs.value, {
    scope: '/',
    eligible,
    policy: deps.policy(),
    privileges: deps.privileges,
  });
  if (!resolved.ok) return resolved;
  const [target] = resolved.value;
  if (!target) return err(appError('breakglass.reason_required', { target: listed.target }));
  if (!eligible.some((e) => covers(e.target, target)))
    return refuse(
      deps,
      input,
      listed.target,
      appError('policy.not_eligible', { role: target.name, scope: target.scope }),
    );
  const open = (await openRequests(deps, input.requester)).find((r) =>
    r.targets.some((t) => t.kind === target.kind && t.id === target.id),
  );
  if (open)
    return err(
      appError('request.already_open', { id: open.id, state: open.state, role: target.name }),
    );
  const local = targetPolicy(deps.policy(), target);
  const pim = await deps.privileges.rules(target);
  // Without sign-in from chat nothing can prove MFA: refuse now rather than fail at activation.
  const mfa = mfaDemand(local, pim);
  if (mfa && !deps.signIn)
    return err(appError('policy.mfa_unavailable', { role: target.name, source: mfa }));
  const policy = effectivePolicy(local, pim);
  return ok({
    target,
    listed: listed.target,
    reason,
    durationSeconds: Math.min(policy.maxDuration, rules.maxDuration),
    approvers: policy.approval.approvers,
    confirmText: `${listed.target} -- ${reason}`,
  });
}

/**
 * The confirmed activation: stored as approved (no approval asked), marked break-glass,
 * announced, and handed to the activate job like any approved request.
 */
export async function breakglass(
  deps: CoreDeps,
  input: BreakglassInput,
): Promise<Result<AccessRequest, AppError>> {
  const plan = await planBreakglass(deps, input);
  if (!plan.ok) return plan;
  const rules = deps.policy().breakglass as BreakglassPolicy;
  const { target, durationSeconds, reason } = plan.value;
  const local = targetPolicy(deps.policy(), target);
  const eligible = await deps.privileges.eligibilities(input.requester.id, [target.kind]);
  const until = eligibleUntil(eligible, [target]);
  const now = deps.clock.now();
  const request: AccessRequest = {
    id: deps.ids.requestId(),
    version: 1,
    state: 'approved',
    platform: input.platform,
    requester: input.requester,
    targets: [target],
    durationSeconds,
    startAt: null,
    reason,
    ticket: null,
    approval: {
      required: false,
      approvers: plan.value.approvers,
      quorum: 0,
      timeoutAt: null,
      escalateTo: local.approval.escalateTo,
      escalated: false,
      timeoutSeconds: local.approval.timeout,
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
    breakglass: {
      reviewBy: now + rules.reviewWithin * 1000,
      acknowledgedBy: null,
      acknowledgedAt: null,
      escalatedAt: null,
    },
  };
  const created = await deps.store.create(
    request,
    auditEvent(request, 'request.breakglass', input.requester, now, {
      durationSeconds,
      breakglass: true,
      reviewBy: request.breakglass?.reviewBy ?? null,
      approvers: plan.value.approvers.join(', '),
    }),
  );
  if (!created.ok) throw new Error(`request id ${request.id} was issued twice`);
  await deps.scheduler.schedule(
    'breakglass-review',
    request.id,
    request.breakglass?.reviewBy ?? now,
  );
  await deps.notifier.securityAlert(usedAlert(request, rules));
  await deps.notifier.requestChanged(created.value, 'approved');
  return startApproved(deps, created.value);
}

/** An approver (or, after escalation, a backup approver) saw the break-glass use. */
export async function acknowledgeBreakglass(
  deps: CoreDeps,
  requestId: string,
  by: Principal,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  if (!current.breakglass) return err(appError('breakglass.not_breakglass', { id: requestId }));
  const refs = [...current.approval.approvers, ...current.approval.escalateTo];
  if (by.id !== current.requester.id && !(await deps.directory.isAnyOf(by.id, refs)))
    return err(appError('breakglass.not_approver', { id: requestId }));
  const acked = await applyTransition(
    deps,
    requestId,
    { type: 'acknowledge_breakglass', by },
    'request.breakglass_acknowledged',
    by,
    (next) => ({ late: (next.breakglass?.escalatedAt ?? null) !== null }),
  );
  if (!acked.ok) return acked;
  await deps.scheduler.cancel('breakglass-review', requestId);
  await deps.notifier.securityAlert({
    kind: 'breakglass_used',
    key: `breakglass-ack-${requestId}`,
    title: `${by.displayName} acknowledged ${current.requester.displayName}'s break-glass use of ${current.targets.map((t) => t.name).join(', ')}`,
    details: [`Request ${requestId}`],
    action: 'Nothing more to do unless the acknowledgement itself looks wrong.',
    since: deps.clock.now(),
  });
  await deps.notifier.requestChanged(acked.value, 'approval_added');
  return acked;
}

/**
 * The breakglass-review job: still not acknowledged at the deadline, so the security channel
 * and the backup approvers hear about it. Acknowledged, already escalated, or run before the
 * deadline: nothing to do.
 */
export async function breakglassReviewDue(
  deps: CoreDeps,
  requestId: string,
): Promise<Result<AccessRequest, AppError>> {
  const current = await deps.store.get(requestId);
  if (!current) return err(appError('request.not_found', { id: requestId }));
  const mark = current.breakglass;
  if (!mark || mark.acknowledgedBy || mark.escalatedAt !== null) return ok(current);
  // A run before the deadline (a job promoted by hand) changes nothing.
  if (deps.clock.now() < mark.reviewBy) return ok(current);
  const escalated = await applyTransition(
    deps,
    requestId,
    { type: 'escalate_breakglass' },
    'request.breakglass_escalated',
    null,
    (next) => ({ escalateTo: next.approval.escalateTo.join(', ') }),
  );
  if (!escalated.ok) return escalated;
  const r = escalated.value;
  await deps.notifier.securityAlert({
    kind: 'breakglass_unacknowledged',
    key: `breakglass-overdue-${requestId}`,
    title: `Nobody acknowledged ${r.requester.displayName}'s break-glass use of ${r.targets.map((t) => t.name).join(', ')} in time`,
    details: [
      `Request ${r.id} · reason: ${r.reason} · state ${r.state}`,
      r.approval.escalateTo.length > 0
        ? `Backup approvers asked: ${r.approval.escalateTo.join(', ')}`
        : 'No backup approvers (approval.escalateTo) are set for this target.',
    ],
    action: `Find out why ${r.requester.displayName} used break-glass; if it was not an emergency, end the grant (\`/elevate deactivate ${r.id}\` by them, or remove it in Entra PIM) and review breakglass.allowed.`,
    since: mark.reviewBy,
  });
  await deps.notifier.requestChanged(r, 'escalated');
  return escalated;
}

/** The listed target the text starts with (the longest one), and what follows it. */
export function listedTarget(
  rules: BreakglassPolicy,
  text: string,
): { readonly target: string; readonly rest: string } | null {
  const typed = text.trim();
  const byLength = [...rules.targets].sort((a, b) => b.length - a.length);
  for (const target of byLength) {
    const head = typed.slice(0, target.length);
    const next = typed.charAt(target.length);
    if (head.toLowerCase() === target.toLowerCase() && (next === '' || /\s/.test(next)))
      return { target, rest: typed.slice(target.length).trim() };
  }
  return null;
}

async function refuse(
  deps: CoreDeps,
  input: BreakglassInput,
  target: string | null,
  error: AppError,
): Promise<Result<never, AppError>> {
  const now = deps.clock.now();
  await deps.audit.append(
    actorEvent(
      now,
      'breakglass.refused',
      input.requester,
      { code: error.code, target, text: input.text.trim().slice(0, 200) },
      input.requester,
    ),
  );
  await deps.notifier.securityAlert({
    kind: 'breakglass_refused',
    key: `breakglass-refused-${input.requester.id}-${now}`,
    title: `${input.requester.displayName} tried break-glass${target ? ` for ${target}` : ''} and was refused`,
    details: [`Typed: /elevate breakglass ${input.text.trim().slice(0, 200)}`, error.message],
    action: `Ask ${input.requester.displayName} what they needed; if they should have break-glass, add them to breakglass.allowed in policy.yaml.`,
    since: now,
  });
  return err(error);
}

function usedAlert(request: AccessRequest, rules: BreakglassPolicy): SecurityAlert {
  const roles = request.targets.map((t) => t.name).join(', ');
  return {
    kind: 'breakglass_used',
    key: `breakglass-${request.id}`,
    title: `BREAK-GLASS: ${request.requester.displayName} activated ${roles} without approval`,
    details: [
      `Request ${request.id} · ${formatDuration(request.durationSeconds)} · reason: ${request.reason}`,
      `The approvers must acknowledge it within ${formatDuration(rules.reviewWithin)}; otherwise it is escalated.`,
    ],
    action: `Check that ${request.requester.displayName} is handling an emergency; if not, remove the assignment in Entra PIM and review breakglass.allowed in policy.yaml.`,
    since: request.createdAt,
  };
}
