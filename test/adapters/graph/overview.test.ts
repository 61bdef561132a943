/**
 * The tenant overview for the security scan, through the real Graph client against the
 * simulated tenant: tenant-wide eligibilities and assignments, and sign-in activity read per
 * user (a group is not a user and is left out; the permission it needs is named).
 */
import { describe, expect, it } from 'vitest';
import {
  ALICE,
  CAROL,
  EXCHANGE,
  GLOBAL,
  GROUP,
  HELPDESK,
  START,
  useGraph,
} from './graph-fixture.ts';

const env = useGraph();
const DAY = 86_400_000;

describe('Graph tenant overview', () => {
  it('lists every eligibility and every live assignment in the tenant, standing ones marked', async () => {
    const t = env.graph.tenant;
    t.addGroup({ id: GROUP, displayName: 'SecOps', members: [CAROL] });
    t.addEligibility({ principalId: GROUP, roleDefinitionId: HELPDESK });
    t.addEligibility({
      principalId: CAROL,
      roleDefinitionId: GLOBAL,
      endDateTime: new Date(START - DAY).toISOString(),
    });
    t.addPermanentAssignment({ principalId: CAROL, roleDefinitionId: GLOBAL });
    const { overview, privileges } = env.adapter();
    await privileges.activate({
      principalId: ALICE,
      target: { kind: 'directory_role', id: EXCHANGE, name: 'Exchange Administrator', scope: '/' },
      startAt: START,
      durationSeconds: 3600,
      justification: 'elevate R0000009 | fixing mail flow',
      ticket: null,
      requestId: 'R0000009',
    });
    const eligible = await overview.eligible();
    expect(eligible.map((e) => [e.principalId, e.target.name]).sort()).toEqual(
      [
        [ALICE, 'Exchange Administrator'],
        [GROUP, 'Helpdesk Administrator'],
      ].sort(),
    );
    const active = await overview.active();
    expect(active.map((a) => [a.principalId, a.target.name, a.viaSchedule]).sort()).toEqual(
      [
        [ALICE, 'Exchange Administrator', true],
        [CAROL, 'Global Administrator', false],
      ].sort(),
    );
  });

  it('reads last sign-ins per user; never signed in is null; groups are left out', async () => {
    const t = env.graph.tenant;
    t.addUser({
      id: 'u-dormant',
      displayName: 'Sam Dormant',
      userPrincipalName: 'sam@contoso.com',
      lastSignInDateTime: new Date(START - 200 * DAY).toISOString(),
    });
    t.addGroup({ id: GROUP, displayName: 'SecOps', members: [] });
    const signIns = await env.adapter().overview.lastSignIns(['u-dormant', CAROL, GROUP]);
    expect(signIns.get('u-dormant')).toBe(START - 200 * DAY);
    expect(signIns.get(CAROL)).toBeNull();
    expect(signIns.has(GROUP)).toBe(false);
    const calls = env.graphCalls('/users/u-dormant');
    expect(calls[0]?.path).toMatch(/\$select=id(%2C|,)signInActivity/);
  });

  it('names AuditLog.Read.All when sign-in activity is refused', async () => {
    env.graph.tenant.revokePermission('AuditLog.Read.All');
    await expect(env.adapter().overview.lastSignIns([CAROL])).rejects.toThrow(
      /AuditLog\.Read\.All/,
    );
  });
});
