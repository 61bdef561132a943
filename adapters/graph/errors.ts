/**
 * Graph errors in the words of the catalogue. Expected refusals become AppErrors (Result);
 * throttling, outages and network errors that outlived the SDK's retries are thrown, so the
 * job that made the call retries it later.
 */
import { type AppError, appError } from '../../bot/core/errors.ts';

/** What each call needs, to name the missing permission in a 403. */
export const PERMISSIONS = {
  activate: 'RoleManagement.ReadWrite.Directory (or RoleAssignmentSchedule.ReadWrite.Directory)',
  assignments: 'RoleManagement.Read.Directory',
  eligibility: 'RoleEligibilitySchedule.Read.Directory',
  policy: 'RoleManagementPolicy.Read.Directory',
  roles: 'RoleManagement.Read.Directory',
  users: 'User.Read.All',
  groups: 'GroupMember.Read.All',
} as const;
export type GraphCallKind = keyof typeof PERMISSIONS;

export interface GraphFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** The status, code and message of whatever the Graph client or identity library threw. */
export function failureOf(error: unknown): GraphFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const status = typeof e.statusCode === 'number' ? e.statusCode : -1;
  let code = typeof e.code === 'string' ? e.code : '';
  const original = typeof e.message === 'string' ? e.message : String(error);
  let message = original;
  if (typeof e.body === 'string') {
    try {
      const body = JSON.parse(e.body) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // Not JSON: keep what the SDK said.
    }
  }
  // @azure/identity's errors reach us wrapped by the Graph client as
  // AuthenticationRequiredError; the message still carries the AADSTS code.
  const signIn =
    e.name === 'AuthenticationError' ||
    e.name === 'CredentialUnavailableError' ||
    code === 'AuthenticationRequiredError' ||
    /\bAADSTS\d+|invalid_client|unauthorized_client/.test(original);
  if (signIn) code = 'AuthenticationFailed';
  return { status, code, message };
}

const RULES = /policy rules failed: (\[.*\])/;

/** An AppError for a refusal, or null when the failure must be thrown (retry later). */
export function refusal(failure: GraphFailure, call: GraphCallKind, role: string): AppError | null {
  if (failure.code === 'AuthenticationFailed' || failure.status === 401)
    return appError('graph.sign_in_failed');
  if (failure.status === 403)
    return appError('graph.permission_missing', { permission: PERMISSIONS[call] });
  if (failure.code === 'RoleAssignmentRequestPolicyValidationFailed') {
    const rules = JSON.parse(RULES.exec(failure.message)?.[1] ?? '[]') as string[];
    if (rules.includes('EligibilityRule'))
      return appError('policy.not_eligible', { role, scope: '/' });
    if (rules.includes('MfaRule')) return appError('graph.mfa_required', { role });
    if (rules.includes('ExpirationRule')) return appError('graph.duration_rejected', { role });
    if (rules.includes('JustificationRule'))
      return appError('graph.justification_rejected', { role });
    if (rules.includes('TicketingRule')) return appError('graph.ticket_rejected', { role });
  }
  if (failure.code === 'RoleNotAssignable' || failure.code === 'RoleNotFound')
    return appError('graph.not_assignable', { role });
  if (failure.status === 404) return appError('graph.not_found', { what: role });
  if (failure.status === 400)
    return appError('grant.failed', { role, detail: `${failure.code}: ${failure.message}` });
  return null;
}
