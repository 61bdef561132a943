/**
 * Graph and Entra sign-in errors in the words of the catalogue. An expected refusal (PIM
 * policy, missing permission, unknown object, bad credential) becomes an AppError; throttling,
 * outages and network errors that outlived the SDK's retries are thrown, so the job that made
 * the call retries it later and the request is delayed, never lost. Both thrown kinds are
 * ServiceErrors, so a chat handler shows the person their catalogue message.
 */
import { type AppError, appError } from '../../bot/core/errors.ts';
import { type SafeFields, ServiceError } from '../../bot/core/service-error.ts';

/** What each kind of call needs, so a 403 names the permission to consent to. */
export const PERMISSIONS = {
  activate: {
    permission: 'RoleManagement.ReadWrite.Directory',
    action: 'grant or remove roles in PIM',
  },
  assignments: {
    permission: 'RoleManagement.Read.Directory',
    action: 'read active role assignments',
  },
  eligibility: {
    permission: 'RoleEligibilitySchedule.Read.Directory',
    action: 'read PIM eligibilities',
  },
  policy: { permission: 'RoleManagementPolicy.Read.Directory', action: 'read PIM role settings' },
  roles: { permission: 'RoleManagement.Read.Directory', action: 'read role definitions' },
  users: { permission: 'User.Read.All', action: 'look up users' },
  groups: { permission: 'GroupMember.Read.All', action: 'check group membership' },
  signIns: { permission: 'AuditLog.Read.All', action: 'read sign-in activity' },
  groupActivate: {
    permission: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    action: 'grant or remove group membership and ownership in PIM',
  },
  groupAssignments: {
    permission: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    action: 'read active group membership and ownership in PIM',
  },
  groupEligibility: {
    permission: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    action: 'read PIM for Groups eligibilities',
  },
  groupPolicy: {
    permission: 'RoleManagementPolicy.Read.AzureADGroup',
    action: 'read PIM for Groups settings',
  },
  endEligibility: {
    permission: 'RoleEligibilitySchedule.ReadWrite.Directory',
    action: 'remove PIM eligibilities for directory roles (eligibility reviews)',
  },
  groupEndEligibility: {
    permission: 'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
    action: 'remove PIM for Groups eligibilities (eligibility reviews)',
  },
} as const;
export type GraphCallKind = keyof typeof PERMISSIONS;

export interface GraphFailure {
  /** HTTP status; -1 when no response came (network, or the sign-in failed before the call). */
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Seconds the service asked us to wait, when it said. */
  readonly retryAfterSeconds: number | null;
}

/** A read Graph refused for a reason retrying will not fix; carries the catalogue error. */
export class GraphRefusedError extends ServiceError {
  override readonly name = 'GraphRefusedError';
  constructor(error: AppError, options?: ErrorOptions & { fields?: SafeFields }) {
    super(error, options);
  }
}

/** Graph or Entra is throttling, down or unreachable: retry later (after `retryAfterSeconds`). */
export class GraphUnavailableError extends ServiceError {
  override readonly name = 'GraphUnavailableError';
  readonly status: number;
  readonly retryAfterSeconds: number | null;
  constructor(failure: GraphFailure, options?: ErrorOptions) {
    super(appError('graph.unavailable'), {
      ...options,
      message: `Microsoft Graph unavailable (${failure.status === -1 ? failure.code : failure.status}): ${failure.message}`,
      fields: { status: failure.status, graphCode: failure.code },
    });
    this.status = failure.status;
    this.retryAfterSeconds = failure.retryAfterSeconds;
  }
}

const SIGN_IN_CODES = new Set(['AuthenticationError', 'AuthenticationRequiredError']);
const AADSTS = /\bAADSTS\d+/;

/** Retry-After as seconds (it may be a number, fractional, or an HTTP date). */
export function retryAfterSeconds(
  value: string | null | undefined,
  now = Date.now(),
): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

/** The status, code and message of whatever the Graph client (or, through it, MSAL) threw. */
export function failureOf(error: unknown): GraphFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const headers = e.headers as { get?: (name: string) => string | null } | undefined;
  return {
    status: typeof e.statusCode === 'number' ? e.statusCode : -1,
    code: typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(error),
    retryAfterSeconds: retryAfterSeconds(headers?.get?.('retry-after')),
  };
}

/**
 * Entra refused the bot's own sign-in (bad secret or certificate, unknown app or tenant).
 * MSAL's error reaches us wrapped by the Graph client with status -1, its name as the code.
 */
export function isSignInRefused(f: GraphFailure): boolean {
  return (
    f.status === 401 || (f.status === -1 && (SIGN_IN_CODES.has(f.code) || AADSTS.test(f.message)))
  );
}

/** The Entra error code (AADSTS…) of a failed sign-in, for the log; never the secret. */
export const entraCode = (f: GraphFailure): string | null => AADSTS.exec(f.message)?.[0] ?? null;

/** Throttled, down or unreachable: worth retrying later. */
export function isTransient(f: GraphFailure): boolean {
  return f.status === -1 ? !isSignInRefused(f) : f.status === 429 || f.status >= 500;
}

const RULES = /policy rules failed: (\[[^\]]*\])/;
/** The order a person has to fix things in: eligibility first, duration and text last. */
const RULE_ERRORS: readonly [string, (role: string) => AppError][] = [
  ['EligibilityRule', (role) => appError('policy.not_eligible', { role, scope: '/' })],
  ['MfaRule', (role) => appError('graph.mfa_required', { role })],
  ['ExpirationRule', (role) => appError('graph.duration_rejected', { role })],
  ['JustificationRule', (role) => appError('graph.justification_rejected', { role })],
  ['TicketingRule', (role) => appError('graph.ticket_rejected', { role })],
];

/** The rule names in `The following policy rules failed: ["ExpirationRule", …]`. */
export function failedRules(message: string): string[] {
  try {
    const parsed: unknown = JSON.parse(RULES.exec(message)?.[1] ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The catalogue error for a refusal, or null when the failure is not one (transient, or not
 * understood): the caller throws it then. `subject` names what was asked for (a role name).
 */
export function refusal(f: GraphFailure, call: GraphCallKind, subject: string): AppError | null {
  if (isSignInRefused(f)) return appError('graph.sign_in_failed');
  if (f.status === 403) return appError('graph.permission_missing', PERMISSIONS[call]);
  if (f.code === 'RoleAssignmentRequestPolicyValidationFailed') {
    const rules = failedRules(f.message);
    const known = RULE_ERRORS.find(([rule]) => rules.includes(rule));
    return known ? known[1](subject) : appError('graph.policy_rejected', { role: subject, rules });
  }
  // The stand-in's code for a disabled definition; Graph words it as a validation error too.
  if (
    f.code === 'RoleNotAssignable' ||
    (f.status === 400 && /not (enabled|assignable)/i.test(f.message))
  )
    return appError('graph.not_assignable', { role: subject });
  if (f.status === 404) return appError('graph.not_found', { what: `\`${subject}\`` });
  return null;
}

/**
 * PIM's refusal of a person's own request (delegated mode; Graph and ARM alike) by the rule
 * they have to fix first: eligibility, then MFA, duration, and the text last.
 */
export function selfServiceRuleError(rules: readonly string[], role: string): AppError {
  if (rules.includes('EligibilityRule')) return appError('delegated.not_eligible', { role });
  if (rules.includes('MfaRule')) return appError('delegated.mfa_required', { role });
  if (rules.includes('ExpirationRule')) return appError('delegated.duration_rejected', { role });
  if (rules.includes('JustificationRule'))
    return appError('delegated.justification_required', { role });
  if (rules.includes('TicketingRule')) return appError('delegated.ticket_required', { role });
  return appError('graph.policy_rejected', { role, rules: [...rules] });
}
