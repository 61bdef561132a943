/**
 * `/elevate whocan`: approvers and auditors see who is eligible, who approves and the
 * effective policy with the side that makes each rule so; anyone else is refused.
 */
import { describe, expect, it } from 'vitest';
import { whocan } from '../../../bot/core/usecases/whocan.ts';
import { people, roles, target, testTenant } from '../../support/tenant.ts';

describe('whocan', () => {
  it('lists the eligible people, approvers and where each rule comes from', async () => {
    const t = testTenant();
    t.privileges.setRules(target(roles.exchange), {
      maxDuration: 2 * 3600,
      justificationRequired: false,
      ticketRequired: true,
      approvalRequired: true,
      mfaRequired: false,
    });
    const answer = await whocan(t.deps, people.bob, roles.exchange);
    if (!answer.ok) throw new Error(answer.error.message);
    const { eligible, eligibleCount, explained } = answer.value;
    expect(eligible).toEqual([
      { name: 'Alice Admin', email: 'alice@contoso.com', scope: '/', endsAt: null },
      { name: 'Erin SecOps', email: 'erin@contoso.com', scope: '/', endsAt: null },
    ]);
    expect(eligibleCount).toBe(2);
    expect(explained.maxDuration).toEqual({ value: 7200, from: 'PIM' });
    expect(explained.approval).toEqual({ value: true, from: 'both' });
    expect(explained.justification).toEqual({ value: true, from: 'policy.yaml' });
    expect(explained.ticket).toEqual({ value: true, from: 'PIM' });
    expect(explained.mfa).toEqual({ value: false, from: 'neither' });
    expect(explained.policy.approval.approvers).toContain('bob@contoso.com');
  });

  it('policy.yaml’s shorter maximum wins over PIM’s, and auditors may ask too', async () => {
    const t = testTenant();
    t.privileges.setRules(target(roles.global), {
      maxDuration: 8 * 3600,
      justificationRequired: false,
      ticketRequired: false,
      approvalRequired: false,
      mfaRequired: true,
    });
    const answer = await whocan(t.deps, people.erin, roles.global);
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.value.explained.maxDuration).toEqual({ value: 3600, from: 'policy.yaml' });
    expect(answer.value.explained.mfa).toEqual({ value: true, from: 'PIM' });
  });

  it('refuses someone who is neither approver nor auditor', async () => {
    const t = testTenant();
    expect(await whocan(t.deps, people.dave, roles.exchange)).toMatchObject({
      ok: false,
      error: { code: 'whocan.not_allowed' },
    });
  });
});
