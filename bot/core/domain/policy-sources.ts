/**
 * The effective policy of a role with, for each rule, the side that makes it so: policy.yaml,
 * Entra PIM's own settings, both, or neither. Mirrors effectivePolicy (stricter of the two)
 * without changing it, for `/elevate whocan`.
 */
import { effectivePolicy } from './effective-policy.ts';
import type { PimRules, RolePolicy } from './policy.ts';

/** Who makes a rule so. `neither`: nothing requires it. */
export type PolicySide = 'policy.yaml' | 'PIM' | 'both' | 'neither';

export interface Sourced<T> {
  readonly value: T;
  readonly from: PolicySide;
}

export interface ExplainedPolicy {
  /** The effective role policy (what submit applies). */
  readonly policy: RolePolicy;
  readonly maxDuration: Sourced<number>;
  readonly approval: Sourced<boolean>;
  readonly justification: Sourced<boolean>;
  readonly ticket: Sourced<boolean>;
  readonly mfa: Sourced<boolean>;
}

const required = (local: boolean, pim: boolean): Sourced<boolean> => ({
  value: local || pim,
  from: local && pim ? 'both' : local ? 'policy.yaml' : pim ? 'PIM' : 'neither',
});

export function explainPolicy(local: RolePolicy, pim: PimRules): ExplainedPolicy {
  const policy = effectivePolicy(local, pim);
  const pimMax = pim.maxDuration;
  const maxFrom: PolicySide =
    pimMax === undefined || local.maxDuration < pimMax
      ? 'policy.yaml'
      : pimMax < local.maxDuration
        ? 'PIM'
        : 'both';
  return {
    policy,
    maxDuration: { value: policy.maxDuration, from: maxFrom },
    approval: required(local.approval.required, pim.approvalRequired),
    justification: required(local.justification.required, pim.justificationRequired),
    ticket: required(local.ticket.required, pim.ticketRequired),
    mfa: required(local.mfaRequired, pim.mfaRequired || pim.authenticationContext !== undefined),
  };
}
