import { describe, expect, it } from 'vitest';
import { pimRules } from '../../../adapters/graph/rules.ts';

describe('pimRules', () => {
  it('reads MFA from the MultiFactorAuthentication enablement rule', () => {
    const rules = pimRules([
      {
        id: 'Enablement_EndUser_Assignment',
        enabledRules: ['Justification', 'MultiFactorAuthentication'],
      },
    ]);
    expect(rules).toMatchObject({ mfaRequired: true, justificationRequired: true });
  });

  it('reads an enabled authentication context as an MFA demand, a disabled one as none', () => {
    const rule = (isEnabled: boolean) => ({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled,
    });
    expect(pimRules([rule(true)]).mfaRequired).toBe(true);
    expect(pimRules([rule(false)]).mfaRequired).toBe(false);
    expect(pimRules([]).mfaRequired).toBe(false);
  });

  it('reads the context an enabled authentication-context rule asks for', () => {
    const rule = (isEnabled: boolean) => ({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled,
      claimValue: 'c2',
    });
    expect(pimRules([rule(true)]).authenticationContext).toBe('c2');
    expect(pimRules([rule(false)]).authenticationContext).toBeUndefined();
  });
});
