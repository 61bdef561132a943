/**
 * `/elevate whocan`: approvers and auditors see who is eligible, who approves and the
 * effective policy with the side that makes each rule so; anyone else is refused. Groups and
 * Azure roles are found whoever asks: the asker need not be eligible for them.
 */
import { describe, expect, it } from 'vitest';
import type { TargetSpec } from '../../../bot/core/commands/command.ts';
import type { Policy } from '../../../bot/core/domain/policy.ts';
import type { RoleEntry } from '../../../bot/core/domain/target.ts';
import { whocan } from '../../../bot/core/usecases/whocan.ts';
import {
  CONTRIBUTOR,
  MIXED_WORLD,
  PAYMENTS_GROUP,
  people,
  roles,
  SUBSCRIPTION,
  target,
  testPolicy,
  testTenant,
} from '../../support/tenant.ts';

const role = (r: RoleEntry): TargetSpec => ({ kind: 'directory_role', role: r });
const SUB = `/subscriptions/${SUBSCRIPTION}`;

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
    const answer = await whocan(t.deps, people.bob, role(roles.exchange));
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
    const answer = await whocan(t.deps, people.erin, role(roles.global));
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.value.explained.maxDuration).toEqual({ value: 3600, from: 'policy.yaml' });
    expect(answer.value.explained.mfa).toEqual({ value: true, from: 'PIM' });
  });

  it('refuses someone who is neither approver nor auditor', async () => {
    const t = testTenant();
    expect(await whocan(t.deps, people.dave, role(roles.exchange))).toMatchObject({
      ok: false,
      error: { code: 'whocan.not_allowed' },
    });
  });
});

/** Payments Oncall capped at 1 hour, by name or alias; Azure roles at the one subscription. */
const mixedPolicy: Policy = {
  ...testPolicy,
  groups: new Map([
    [
      'Payments Oncall',
      { aliases: ['payments'], policy: { ...testPolicy.defaults, maxDuration: 3600 } },
    ],
  ]),
  azure: { scopes: [SUB] },
};

/** Bob approves, and is eligible for nothing in MIXED_WORLD. */
const ask = (spec: TargetSpec, policy: Policy = mixedPolicy) =>
  whocan(testTenant(null, policy, MIXED_WORLD).deps, people.bob, spec);

describe('whocan for a PIM group', () => {
  it('finds the group by name or alias and lists who may activate the access asked about', async () => {
    const member = await ask({ kind: 'group', name: 'payments', access: 'member' });
    if (!member.ok) throw new Error(member.error.message);
    expect(member.value.target).toEqual({
      kind: 'group',
      id: PAYMENTS_GROUP,
      name: 'Payments Oncall',
      scope: '/',
      access: 'member',
    });
    expect(member.value.eligible).toEqual([
      { name: 'Alice Admin', email: 'alice@contoso.com', scope: '/', endsAt: null },
    ]);
    // PIM says 2h, policy.yaml's groups entry 1h.
    expect(member.value.explained.maxDuration).toEqual({ value: 3600, from: 'policy.yaml' });
    const owner = await ask({ kind: 'group', name: 'Payments Oncall', access: 'owner' });
    expect(owner.ok && owner.value.eligible?.map((e) => e.name)).toEqual(['Erin SecOps']);
  });

  it('says so when Entra has no such group', async () => {
    expect(await ask({ kind: 'group', name: 'Nobody Here', access: 'member' })).toMatchObject({
      ok: false,
      error: { code: 'whocan.no_such_group', message: expect.stringContaining('Nobody Here') },
    });
  });
});

describe('whocan for an Azure role', () => {
  it('lists who is eligible at the scope or above it, saying where', async () => {
    const answer = await ask({ kind: 'azure_role', name: 'Contributor', on: 'rg-payments' });
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.value.target).toEqual({
      kind: 'azure_role',
      id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
      name: 'Contributor',
      scope: `${SUB}/resourceGroups/rg-payments`,
      scopeName: 'rg-payments',
    });
    expect(answer.value.eligible).toEqual([
      {
        name: 'Alice Admin',
        email: 'alice@contoso.com',
        scope: SUB,
        scopeName: 'Pay-As-You-Go',
        endsAt: null,
      },
    ]);
  });

  it('leaves out eligibility below the scope or beside it', async () => {
    for (const on of [SUB, 'rg-payments']) {
      const answer = await ask({ kind: 'azure_role', name: 'Reader', on });
      expect(answer.ok && answer.value.eligible).toEqual([]);
    }
  });

  it('refuses a scope outside azure.scopes, a role Azure does not have, and no Azure set-up', async () => {
    expect(await ask({ kind: 'azure_role', name: 'Reader', on: 'rg-elsewhere' })).toMatchObject({
      ok: false,
      error: { code: 'whocan.outside_azure_scopes', message: expect.stringContaining(SUB) },
    });
    expect(await ask({ kind: 'azure_role', name: 'Owner', on: 'rg-app' })).toMatchObject({
      ok: false,
      error: { code: 'whocan.no_such_azure_role' },
    });
    expect(
      await ask({ kind: 'azure_role', name: 'Reader', on: 'rg-app' }, testPolicy),
    ).toMatchObject({ ok: false, error: { code: 'policy.kind_not_configured' } });
  });
});
