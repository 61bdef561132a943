/**
 * ARM failures in the words of the catalogue. ARM answers `{"error": {"code", "message"}}`
 * with the same PIM codes as Graph (contracts/graph-pim-errors.md), so policy-rule refusals
 * read as the Graph ones do. Throttling, outages and network errors that outlived the
 * client's retries are thrown as ArmUnavailableError, for the job to retry later.
 */
import { type AppError, appError } from '../../bot/core/errors.ts';
import { type SafeFields, ServiceError } from '../../bot/core/service-error.ts';
import { failedRules, isSignInRefused } from '../graph/errors.ts';

export interface ArmFailure {
  /** HTTP status; -1 when no response came (network, or the sign-in failed before the call). */
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSeconds: number | null;
}

/** What each kind of call does, so a 403 says what the bot could not do. */
export const ACTIONS = {
  eligibility: 'read PIM eligibilities for Azure roles',
  assignments: 'read active Azure role assignments',
  policy: 'read PIM settings for Azure roles',
  activate: 'grant or remove Azure roles in PIM',
  endEligibility: 'remove PIM eligibilities for Azure roles (eligibility reviews)',
  roles: 'read Azure role definitions',
} as const;
export type ArmCallKind = keyof typeof ACTIONS;

/** A read ARM refused for a reason retrying will not fix. */
export class ArmRefusedError extends ServiceError {
  override readonly name = 'ArmRefusedError';
  constructor(error: AppError, options?: ErrorOptions & { fields?: SafeFields }) {
    super(error, options);
  }
}

/** ARM or the sign-in is throttling, down or unreachable: retry later. */
export class ArmUnavailableError extends ServiceError {
  override readonly name = 'ArmUnavailableError';
  readonly status: number;
  readonly retryAfterSeconds: number | null;
  constructor(failure: ArmFailure, options?: ErrorOptions) {
    super(appError('arm.unavailable'), {
      ...options,
      message: `Azure Resource Manager unavailable (${failure.status === -1 ? failure.code : failure.status}): ${failure.message}`,
      fields: { status: failure.status, armCode: failure.code },
    });
    this.status = failure.status;
    this.retryAfterSeconds = failure.retryAfterSeconds;
  }
}

export const isTransient = (f: ArmFailure): boolean =>
  f.status === -1 ? !isSignInRefused(f) : f.status === 429 || f.status >= 500;

/** The order a person has to fix things in, as for directory roles. */
const RULE_ERRORS: readonly [string, (role: string, scope: string) => AppError][] = [
  ['EligibilityRule', (role, scope) => appError('policy.not_eligible', { role, scope })],
  ['MfaRule', (role) => appError('graph.mfa_required', { role })],
  ['ExpirationRule', (role) => appError('graph.duration_rejected', { role })],
  ['JustificationRule', (role) => appError('graph.justification_rejected', { role })],
  ['TicketingRule', (role) => appError('graph.ticket_rejected', { role })],
];

/**
 * The catalogue error for a refusal, or null when the failure is not understood (the caller
 * logs it and answers `arm.rejected`). `role` names the target as a person reads it.
 */
export function refusal(
  f: ArmFailure,
  call: ArmCallKind,
  role: string,
  scope: string,
): AppError | null {
  if (f.status === -1 && isSignInRefused(f)) return appError('graph.sign_in_failed');
  if (f.status === 401) return appError('arm.sign_in_refused');
  if (f.status === 403) return appError('arm.permission_missing', { action: ACTIONS[call], scope });
  if (f.code === 'RoleAssignmentRequestPolicyValidationFailed') {
    const rules = failedRules(f.message);
    const known = RULE_ERRORS.find(([rule]) => rules.includes(rule));
    return known ? known[1](role, scope) : appError('graph.policy_rejected', { role, rules });
  }
  if (f.status === 404) return appError('arm.not_found', { what: `\`${scope}\`` });
  return null;
}
