/**
 * What an omitted policy.yaml field means, and how one layer of settings is merged over
 * another: built-in defaults, then the file's `defaults:`, then a role's entry. approval,
 * justification, ticket and mfa merge key by key; lists replace, they do not add up; `null`
 * turns off an inherited optional value (stepUp, ticket.pattern, propagation).
 * policy.example.yaml documents each default.
 */
import {
  type AlertsPolicy,
  type ApprovalRule,
  type AutoApproveRule,
  DEFAULT_MFA_RULE,
  type MfaRule,
  type OnCallRule,
  type OnCallSource,
  type RolePolicy,
} from './core/domain/policy.ts';
import type { RolePatch } from './policy-schema.ts';

const H = 3_600;
const M = 60;

/** What an `onCall` entry that leaves them out allows: 3 auto-approvals a day, up to 1 hour. */
export const BUILT_IN_ON_CALL = { maxPerDay: 3, maxDuration: 1 * H } as const;

/** The role policy of a file that says nothing. */
export const BUILT_IN_DEFAULTS: RolePolicy = {
  maxDuration: 8 * H,
  minDuration: 30 * M,
  defaultDuration: 1 * H,
  // Fail closed: approval is needed unless the file says otherwise, and then it must name approvers.
  approval: { required: true, approvers: [], quorum: 1, timeout: 1 * H, escalateTo: [] },
  justification: { required: true, minLength: 10 },
  ticket: { required: false },
  reminderBefore: 10 * M,
  mfaRequired: false,
  mfa: DEFAULT_MFA_RULE,
  mode: 'app',
};

export const BUILT_IN_ALERTS: AlertsPolicy = {
  scanEvery: 15 * M,
  tooFrequent: { count: 3, window: 24 * H },
  staleAccounts: { days: 90 },
  tooManyGlobalAdmins: { max: 5, percent: 10 },
  cooldown: 24 * H,
};

/** Used for `outsideHours` fields left out once the section is present. */
export const BUILT_IN_OUTSIDE_HOURS = {
  from: '07:00',
  to: '19:00',
  days: [1, 2, 3, 4, 5],
} as const;

export function mergeRolePolicy(base: RolePolicy, patch: RolePatch): RolePolicy {
  const a = patch.approval ?? {};
  const stepUp = a.stepUp === undefined ? base.approval.stepUp : (a.stepUp ?? undefined);
  const approval: ApprovalRule = {
    required: a.required ?? base.approval.required,
    approvers: a.approvers ?? base.approval.approvers,
    quorum: a.quorum ?? base.approval.quorum,
    timeout: a.timeout ?? base.approval.timeout,
    escalateTo: a.escalateTo ?? base.approval.escalateTo,
    ...(stepUp === undefined ? {} : { stepUp }),
    extensions: a.extensions ?? base.approval.extensions ?? 'allow',
    ...autoApproveOf(base.approval.autoApprove, a.autoApprove),
  };
  const pattern =
    patch.ticket?.pattern === undefined ? base.ticket.pattern : (patch.ticket.pattern ?? undefined);
  const propagation =
    patch.propagation === undefined ? base.propagation : (patch.propagation ?? undefined);
  return {
    maxDuration: patch.maxDuration ?? base.maxDuration,
    minDuration: patch.minDuration ?? base.minDuration,
    defaultDuration: patch.defaultDuration ?? base.defaultDuration,
    approval,
    justification: {
      required: patch.justification?.required ?? base.justification.required,
      minLength: patch.justification?.minLength ?? base.justification.minLength,
    },
    ticket: {
      required: patch.ticket?.required ?? base.ticket.required,
      ...(pattern === undefined ? {} : { pattern }),
    },
    reminderBefore: patch.reminderBefore ?? base.reminderBefore,
    ...(propagation === undefined ? {} : { propagation }),
    mfaRequired: patch.mfa?.required ?? base.mfaRequired,
    mfa: mergeMfa(base.mfa ?? DEFAULT_MFA_RULE, patch.mfa),
    mode: patch.mode ?? base.mode,
  };
}

function mergeMfa(base: MfaRule, patch: RolePatch['mfa']): MfaRule {
  const context = patch?.authenticationContext;
  return {
    maxAge: patch?.maxAge ?? base.maxAge,
    timeout: patch?.timeout ?? base.timeout,
    contexts: context === undefined ? base.contexts : context === null ? [] : [context],
  };
}

type AutoApprovePatch = NonNullable<RolePatch['approval']>['autoApprove'];
type OnCallPatch = NonNullable<NonNullable<AutoApprovePatch>['onCall']>;

/**
 * `autoApprove` merges like the other approval keys: `null` turns it off, `onCall` merges key
 * by key, and naming any rotation (pagerduty or opsgenie) replaces the inherited rotations.
 */
function autoApproveOf(
  base: AutoApproveRule | undefined,
  patch: AutoApprovePatch,
): { autoApprove?: AutoApproveRule } {
  if (patch === null) return {};
  if (patch === undefined || patch.onCall === undefined) return base ? { autoApprove: base } : {};
  if (patch.onCall === null) return {};
  return { autoApprove: { onCall: mergeOnCall(base?.onCall, patch.onCall) } };
}

function mergeOnCall(base: OnCallRule | undefined, patch: OnCallPatch): OnCallRule {
  const names = patch.pagerduty !== undefined || patch.opsgenie !== undefined;
  return {
    sources: names ? onCallSources(patch) : (base?.sources ?? []),
    maxPerDay: patch.maxPerDay ?? base?.maxPerDay ?? BUILT_IN_ON_CALL.maxPerDay,
    maxDuration: patch.maxDuration ?? base?.maxDuration ?? BUILT_IN_ON_CALL.maxDuration,
  };
}

function onCallSources(patch: OnCallPatch): OnCallSource[] {
  const of = (
    provider: OnCallSource['provider'],
    kind: OnCallSource['kind'],
    ids: readonly string[] = [],
  ): OnCallSource[] => [...new Set(ids)].map((id) => ({ provider, kind, id }));
  return [
    ...of('pagerduty', 'schedule', patch.pagerduty?.schedules),
    ...of('pagerduty', 'escalation_policy', patch.pagerduty?.escalationPolicies),
    ...of('opsgenie', 'schedule', patch.opsgenie?.schedules),
  ];
}
