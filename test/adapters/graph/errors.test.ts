/**
 * Graph's error bodies (contracts/graph-pim-errors.md) as catalogue errors. The stand-in
 * applies MFA, ticket and eligibility rules only to self-activation, so those bodies are
 * checked here as the SDK hands them over.
 */
import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import {
  failedRules,
  failureOf,
  type GraphFailure,
  isSignInRefused,
  isTransient,
  PERMISSIONS,
  refusal,
  retryAfterSeconds,
} from '../../../adapters/graph/errors.ts';

/** What GraphErrorHandler builds from an error response. */
function graphError(status: number, code: string, message: string, retryAfter?: string) {
  const e = new GraphError(status, message);
  e.code = code;
  e.body = JSON.stringify({ code, message });
  e.headers = new Headers(retryAfter ? { 'retry-after': retryAfter } : {});
  return e;
}

const policyFailed = (rules: string[]) =>
  failureOf(
    graphError(
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      `The following policy rules failed: ${JSON.stringify(rules)}`,
    ),
  );

const codeOf = (f: GraphFailure) => refusal(f, 'activate', 'Exchange Administrator')?.code;

describe('PIM policy rules', () => {
  it('reads the failed rules from the message', () => {
    expect(
      failedRules('The following policy rules failed: ["ExpirationRule","JustificationRule"]'),
    ).toEqual(['ExpirationRule', 'JustificationRule']);
    expect(failedRules('The following policy rules failed: [oops')).toEqual([]);
    expect(failedRules('something else')).toEqual([]);
  });

  it.each([
    [['ExpirationRule'], 'graph.duration_rejected'],
    [['JustificationRule'], 'graph.justification_rejected'],
    [['TicketingRule'], 'graph.ticket_rejected'],
    [['MfaRule'], 'graph.mfa_required'],
    [['EligibilityRule'], 'policy.not_eligible'],
    [['EligibilityRule', 'ExpirationRule'], 'policy.not_eligible'],
    [['JustificationRule', 'MfaRule'], 'graph.mfa_required'],
    [['AuthenticationContextRule'], 'graph.policy_rejected'],
  ])('%j → %s', (rules, code) => {
    expect(codeOf(policyFailed(rules))).toBe(code);
  });

  it('explains what to do about MFA and names unknown rules', () => {
    expect(refusal(policyFailed(['MfaRule']), 'activate', 'X')?.message).toBe(
      "Entra PIM requires multi-factor authentication to activate `X`, and the bot's app sign-in cannot give it. Activate it in the Entra portal (PIM), ask the bot administrators to set `mode: delegated` for it in policy.yaml (your own MFA sign-in then activates it), or ask your identity team to turn off PIM's MFA requirement for activating this role.",
    );
    expect(refusal(policyFailed(['ApprovalRule']), 'activate', 'X')?.message).toContain(
      '`ApprovalRule`',
    );
  });
});

describe('other refusals', () => {
  it('403 names the permission of the call that failed', () => {
    const denied = failureOf(
      graphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      ),
    );
    for (const [call, { permission }] of Object.entries(PERMISSIONS)) {
      const error = refusal(denied, call as keyof typeof PERMISSIONS, 'x');
      expect(error?.code).toBe('graph.permission_missing');
      expect(error?.message).toContain(`\`${permission}\``);
      expect(error?.message).toContain('admin consent');
    }
  });

  it('404, not assignable, 401 and a refused sign-in', () => {
    expect(codeOf(failureOf(graphError(404, 'Request_ResourceNotFound', 'gone')))).toBe(
      'graph.not_found',
    );
    expect(codeOf(failureOf(graphError(400, 'RoleNotAssignable', 'not enabled')))).toBe(
      'graph.not_assignable',
    );
    expect(codeOf(failureOf(graphError(401, 'InvalidAuthenticationToken', 'expired')))).toBe(
      'graph.sign_in_failed',
    );
    const signIn = new GraphError(
      -1,
      'invalid_client: AADSTS7000215: Invalid client secret provided.',
    );
    signIn.code = 'AuthenticationRequiredError';
    expect(isSignInRefused(failureOf(signIn))).toBe(true);
    expect(isTransient(failureOf(signIn))).toBe(false);
  });

  it('throttling, outages and network errors are not refusals', () => {
    for (const f of [
      failureOf(graphError(429, 'TooManyRequests', 'Please retry again later.', '2.128')),
      failureOf(graphError(503, 'serviceNotAvailable', 'Service is unavailable.')),
      failureOf(graphError(504, 'GatewayTimeout', 'timeout')),
      failureOf(Object.assign(new GraphError(-1, 'fetch failed'), { code: 'TypeError' })),
      failureOf(
        Object.assign(new GraphError(-1, 'endpoints_resolution_error'), {
          code: 'CredentialUnavailableError',
        }),
      ),
    ]) {
      expect(isTransient(f)).toBe(true);
      expect(refusal(f, 'roles', 'x')).toBeNull();
    }
    expect(failureOf(graphError(429, 'TooManyRequests', 'x', '2.128')).retryAfterSeconds).toBe(
      2.128,
    );
  });
});

describe('Retry-After', () => {
  it('reads seconds, fractions and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 23, 10);
    expect(retryAfterSeconds('3', now)).toBe(3);
    expect(retryAfterSeconds('2.128', now)).toBe(2.128);
    expect(retryAfterSeconds('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBeNull();
    expect(retryAfterSeconds('soon', now)).toBeNull();
  });
});
