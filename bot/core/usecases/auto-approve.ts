/**
 * On-call approval (policy approval.autoApprove.onCall): a request that needs approval is
 * approved at once when its requester is on call now in a rotation named for every role that
 * needs approval, within each role's daily cap and maximum duration. It fails closed: over the
 * cap, too long, starting later, or the on-call service not answering, the approvers decide as
 * usual, and the card says why the rule did not approve.
 */
import { onCallText, rotationName } from '../domain/auto-approval.ts';
import { formatDuration } from '../domain/duration.ts';
import type { OnCallRule, RolePolicy } from '../domain/policy.ts';
import type { AccessRequest, AutoApproval, OnCallFact } from '../domain/request.ts';
import type { Target } from '../domain/target.ts';
import type { AppError } from '../errors.ts';
import type { OnCallLookup } from '../ports/on-call.ts';
import { ok, type Result } from '../result.ts';
import type { CoreDeps } from './deps.ts';
import { startApproved } from './proceed.ts';
import { applyTransition } from './record.ts';

const DAY = 24 * 3_600_000;
/** Requests read per page when counting the day's auto-approvals (the requester's own index). */
const PAGE = 100;

/**
 * For a request just stored as `pending_approval`: null when no on-call rule applies (the
 * caller goes on as usual). Otherwise this takes the request on: approved and started, or
 * noted and sent to the approvers.
 */
export async function approveOnCall(
  deps: CoreDeps,
  request: AccessRequest,
  perTarget: readonly { readonly target: Target; readonly policy: RolePolicy }[],
): Promise<Result<AccessRequest, AppError> | null> {
  const needing = perTarget.filter((p) => p.policy.approval.required);
  const rules: { target: Target; rule: OnCallRule }[] = [];
  for (const { target, policy } of needing) {
    const rule = policy.approval.autoApprove?.onCall;
    if (!rule) return null;
    rules.push({ target, rule });
  }
  const lookup = deps.onCall;
  if (request.state !== 'pending_approval' || rules.length === 0 || !lookup) return null;

  const decided = await decide(deps, lookup, request, rules);
  if ('facts' in decided) {
    const approval: AutoApproval = { rule: 'on_call', facts: decided.facts, at: deps.clock.now() };
    const saved = await applyTransition(
      deps,
      request.id,
      { type: 'auto_approve', approval },
      'request.auto_approved',
      null,
      onCallFacts(approval),
    );
    if (!saved.ok) return saved;
    await deps.notifier.requestChanged(saved.value, 'approved');
    await deps.notifier.securityAlert(securityPost(saved.value, approval));
    return startApproved(deps, saved.value);
  }
  if (decided.note === null) return null;
  const noted = await applyTransition(
    deps,
    request.id,
    { type: 'note_auto_approval', note: decided.note },
    'request.auto_approval_skipped',
    null,
    { note: decided.note },
  );
  if (!noted.ok) return noted;
  if (noted.value.approval.timeoutAt !== null)
    await deps.scheduler.schedule('approval-timeout', request.id, noted.value.approval.timeoutAt);
  await deps.notifier.requestChanged(noted.value, 'submitted');
  return ok(noted.value);
}

type Decision = { readonly facts: OnCallFact[] } | { readonly note: string | null };

async function decide(
  deps: CoreDeps,
  lookup: OnCallLookup,
  request: AccessRequest,
  rules: readonly { readonly target: Target; readonly rule: OnCallRule }[],
): Promise<Decision> {
  const skip = (why: string): Decision => ({ note: `Not approved by the on-call rule: ${why}.` });
  const now = deps.clock.now();
  const maxDuration = Math.min(...rules.map((r) => r.rule.maxDuration));
  if (request.durationSeconds > maxDuration)
    return skip(
      `${formatDuration(request.durationSeconds)} is longer than the ${formatDuration(maxDuration)} it allows`,
    );
  if (request.startAt !== null && request.startAt > now)
    return skip('it approves requests that start now, not later');
  const email = request.requester.email;
  if (!email) return skip(`${request.requester.displayName} has no email to look up`);

  const used = await autoApprovalsToday(deps, request, now);
  const capped = rules.find((r) => (used.get(r.target.id) ?? 0) >= r.rule.maxPerDay);
  if (capped) {
    const cap = capped.rule.maxPerDay;
    return skip(
      `${cap} on-call approval${cap === 1 ? '' : 's'} of ${capped.target.name} in 24 hours already (maxPerDay ${cap})`,
    );
  }

  const answer = await lookup.onCall(
    email,
    rules.flatMap((r) => r.rule.sources),
  );
  const facts: OnCallFact[] = [];
  for (const { rule } of rules) {
    const fact = answer.onCall.find((f) =>
      rule.sources.some((s) => s.provider === f.provider && s.kind === f.kind && s.id === f.id),
    );
    if (!fact) {
      const failed = answer.failures.map((f) => f.message);
      return failed.length > 0
        ? skip(`the on-call check failed (${failed.join('; ')}), so the approvers decide`)
        : { note: null };
    }
    if (!facts.includes(fact)) facts.push(fact);
  }
  return { facts };
}

/**
 * The requester's on-call approvals in the last 24 hours, per target id, from their own
 * history index (newest first, so reading stops at the day's edge).
 */
async function autoApprovalsToday(
  deps: CoreDeps,
  request: AccessRequest,
  now: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let before: string | undefined;
  do {
    const page = await deps.store.listByUser(request.requester.id, {
      limit: PAGE,
      since: now - DAY,
      ...(before ? { before } : {}),
    });
    for (const r of page.items) {
      if (r.id === request.id || !r.autoApproval || r.autoApproval.at < now - DAY) continue;
      for (const t of r.targets) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
    }
    before = page.next ?? undefined;
  } while (before);
  return counts;
}

function onCallFacts(approval: AutoApproval) {
  const [first] = approval.facts;
  return {
    rule: 'on_call',
    onCall: onCallText(approval),
    provider: first?.provider ?? null,
    rotationKind: first?.kind ?? null,
    rotation: first?.id ?? null,
  };
}

function securityPost(request: AccessRequest, approval: AutoApproval) {
  const roles = request.targets.map((t) => t.name).join(', ');
  return {
    kind: 'on_call_approved' as const,
    key: `on-call-${request.id}`,
    title: `${request.requester.displayName} was approved for ${roles} without an approver: ${onCallText(approval)}`,
    details: [
      `Request ${request.id} · ${formatDuration(request.durationSeconds)} · reason: ${request.reason}${request.ticket ? ` · ticket ${request.ticket}` : ''}`,
      ...approval.facts.map((f) => `On call: ${rotationName(f)}`),
    ],
    action: `Check that ${request.requester.displayName} is working an incident; if not, remove the assignment in Entra PIM and review approval.autoApprove in policy.yaml.`,
    since: approval.at,
  };
}
