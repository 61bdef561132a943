/** ARM's error envelope codes as catalogue errors. */
import { describe, expect, it } from 'vitest';
import { type ArmFailure, refusal } from '../../../adapters/arm/errors.ts';

const failure = (status: number, code: string, message = ''): ArmFailure => ({
  status,
  code,
  message,
  retryAfterSeconds: null,
});
const SCOPE = '/subscriptions/s/resourceGroups/rg-payments';
const code = (f: ArmFailure) => refusal(f, 'activate', 'Contributor on rg-payments', SCOPE)?.code;

describe('refusal', () => {
  it('names the catalogue error for each refusal ARM gives', () => {
    const rules = (...r: string[]) =>
      failure(
        400,
        'RoleAssignmentRequestPolicyValidationFailed',
        `The following policy rules failed: ${JSON.stringify(r)}`,
      );
    expect(code(rules('ExpirationRule'))).toBe('graph.duration_rejected');
    expect(code(rules('JustificationRule'))).toBe('graph.justification_rejected');
    expect(code(rules('TicketingRule'))).toBe('graph.ticket_rejected');
    expect(code(rules('ExpirationRule', 'EligibilityRule'))).toBe('policy.not_eligible');
    expect(code(rules('SomethingNew'))).toBe('graph.policy_rejected');
    expect(code(failure(403, 'AuthorizationFailed'))).toBe('arm.permission_missing');
    expect(code(failure(401, 'InvalidAuthenticationTokenAudience'))).toBe('arm.sign_in_refused');
    expect(code(failure(-1, 'AuthenticationError', 'AADSTS7000215: Invalid client secret'))).toBe(
      'graph.sign_in_failed',
    );
    expect(code(failure(404, 'ResourceGroupNotFound'))).toBe('arm.not_found');
    expect(code(failure(400, 'SomethingElse'))).toBeUndefined();
  });

  it('says which scope needs the missing Azure role', () => {
    const error = refusal(failure(403, 'AuthorizationFailed'), 'activate', 'Contributor', SCOPE);
    expect(error?.message).toContain(SCOPE);
    expect(error?.message).toContain('Role Based Access Control Administrator');
  });
});
