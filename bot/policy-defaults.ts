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
  DEFAULT_MFA_RULE,
  type MfaRule,
  type RolePolicy,
} from './core/domain/policy.ts';
import type { RolePatch } from './policy-schema.ts';

const H = 3_600;
const M = 60;

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
