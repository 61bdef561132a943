/** PIM's role management policy rules (unifiedRoleManagementPolicy) as the core's PimRules. */
import type { PimRules } from '../../bot/core/domain/policy.ts';

export interface PolicyRule {
  readonly '@odata.type'?: string;
  readonly id: string;
  readonly maximumDuration?: string;
  readonly enabledRules?: readonly string[];
  readonly setting?: { readonly isApprovalRequired?: boolean };
}

const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

export function isoToSeconds(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const seconds =
    Number(m[1] ?? 0) * 86_400 +
    Number(m[2] ?? 0) * 3600 +
    Number(m[3] ?? 0) * 60 +
    Number(m[4] ?? 0);
  return seconds > 0 ? seconds : null;
}

/** The end-user activation rules are what PIM applies to someone activating the role. */
export function pimRules(rules: readonly PolicyRule[]): PimRules {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const expiration = byId.get('Expiration_EndUser_Assignment')?.maximumDuration;
  const enabled = new Set(byId.get('Enablement_EndUser_Assignment')?.enabledRules ?? []);
  const max = expiration ? isoToSeconds(expiration) : null;
  return {
    ...(max ? { maxDuration: max } : {}),
    justificationRequired: enabled.has('Justification'),
    ticketRequired: enabled.has('Ticketing'),
    mfaRequired: enabled.has('MultiFactorAuthentication'),
    approvalRequired: byId.get('Approval_EndUser_Assignment')?.setting?.isApprovalRequired === true,
  };
}
