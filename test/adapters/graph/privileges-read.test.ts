/** What PIM knows, read through the adapter: roles, eligibility, rules, assignments. */
import { describe, expect, it } from 'vitest';
import { GraphRefusedError } from '../../../adapters/graph/errors.ts';
import {
  ALICE,
  BOB,
  CAROL,
  EXCHANGE,
  exchange,
  GLOBAL,
  GROUP,
  grant,
  HELPDESK,
  INNER_GROUP,
  START,
  useGraph,
} from './graph-fixture.ts';

const env = useGraph();
const ELIGIBILITY = '/roleManagement/directory/roleEligibilityScheduleInstances';

describe('role definitions', () => {
  it('are read once, served from memory, and read again after the TTL', async () => {
    const { privileges } = env.adapter({ privileges: { rolesTtlMs: 3_600_000 } });
    expect(await privileges.listRoles()).toEqual([
      { kind: 'directory_role', id: EXCHANGE, name: 'Exchange Administrator', aliases: [] },
      { kind: 'directory_role', id: GLOBAL, name: 'Global Administrator', aliases: [] },
      { kind: 'directory_role', id: HELPDESK, name: 'Helpdesk Administrator', aliases: [] },
    ]);
    await Promise.all([privileges.listRoles(), privileges.listRoles()]);
    expect(env.graphCalls('/roleManagement/directory/roleDefinitions')).toHaveLength(1);
    env.graph.tenant.addRoleDefinition({ id: 'custom-1', displayName: 'Mail Flow Operator' });
    env.now += 3_600_001;
    expect((await privileges.listRoles()).map((r) => r.name)).toContain('Mail Flow Operator');
    expect(env.graphCalls('/roleManagement/directory/roleDefinitions')).toHaveLength(2);
  });

  it('a failed refresh keeps serving the last list', async () => {
    const { privileges } = env.adapter({ privileges: { rolesTtlMs: 1000 } });
    await privileges.listRoles();
    env.now += 1001;
    env.graph.faults.unavailable(20, 0.01, '/roleManagement/directory/roleDefinitions');
    expect(await privileges.listRoles()).toHaveLength(3);
  });

  it('names RoleManagement.Read.Directory when Graph refuses', async () => {
    env.graph.tenant.grantPermissions(['User.Read.All']);
    await expect(env.adapter().privileges.listRoles()).rejects.toThrow(
      /`RoleManagement\.Read\.Directory`.*admin consent/,
    );
  });
});

describe('eligibility', () => {
  it('held directly, by the user filter', async () => {
    const { privileges } = env.adapter();
    expect(await privileges.eligibilities(ALICE)).toEqual([{ target: exchange, endsAt: null }]);
    const direct = env.graphCalls(ELIGIBILITY).map((c) => decodeURIComponent(c.path));
    expect(direct).toContain(`/v1.0${ELIGIBILITY}?$filter=principalId eq '${ALICE}'`);
  });

  it('held through a (nested) group, ending when the longer of the two ends', async () => {
    const t = env.graph.tenant;
    t.addGroup({
      id: INNER_GROUP,
      displayName: 'inner',
      members: [CAROL],
      isAssignableToRole: true,
    });
    t.addGroup({
      id: GROUP,
      displayName: 'GA',
      members: [INNER_GROUP, ALICE],
      isAssignableToRole: true,
    });
    const soon = new Date(START + 3_600_000).toISOString();
    t.addEligibility({ principalId: GROUP, roleDefinitionId: GLOBAL, endDateTime: soon });
    t.addEligibility({ principalId: CAROL, roleDefinitionId: GLOBAL, endDateTime: soon });
    t.addEligibility({ principalId: GROUP, roleDefinitionId: EXCHANGE });
    const { privileges } = env.adapter();
    const carol = await privileges.eligibilities(CAROL);
    expect(carol.map((e) => [e.target.name, e.endsAt]).sort()).toEqual([
      ['Exchange Administrator', null],
      ['Global Administrator', START + 3_600_000],
    ]);
    expect((await privileges.eligibilities(ALICE)).map((e) => e.target.name).sort()).toEqual([
      'Exchange Administrator',
      'Global Administrator',
    ]);
    expect(await privileges.eligibilities(BOB)).toEqual([]);
    // The group-held list is read once for everybody; membership is asked per user.
    expect(env.graphCalls(`${ELIGIBILITY}?$expand`)).toHaveLength(1);
    env.now += 3_600_000;
    expect((await privileges.eligibilities(CAROL)).map((e) => e.target.name)).toEqual([
      'Exchange Administrator',
    ]);
  });

  it('names RoleEligibilitySchedule.Read.Directory when Graph refuses', async () => {
    env.graph.tenant.grantPermissions([
      'RoleManagementPolicy.Read.Directory',
      'GroupMember.Read.All',
    ]);
    const refused = await env
      .adapter()
      .privileges.eligibilities(ALICE)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphRefusedError);
    expect((refused as Error).message).toContain('`RoleEligibilitySchedule.Read.Directory`');
  });
});

describe("PIM's rules", () => {
  it('become PimRules from the end-user assignment rules, cached briefly', async () => {
    env.graph.tenant.setPolicy(EXCHANGE, {
      maximumDuration: 'PT4H30M',
      justification: true,
      ticketing: true,
      mfa: true,
      approval: true,
      adminMaximumDuration: 'PT1H',
    });
    const { privileges } = env.adapter({ privileges: { rulesTtlMs: 60_000 } });
    expect(await privileges.rules(exchange)).toEqual({
      maxDuration: 16_200,
      justificationRequired: true,
      ticketRequired: true,
      mfaRequired: true,
      approvalRequired: true,
    });
    expect(await privileges.rules({ ...exchange, scope: '/administrativeUnits/au-1' })).toEqual(
      await privileges.rules(exchange),
    );
    const reads = env.graphCalls('/policies/roleManagementPolicyAssignments');
    expect(reads).toHaveLength(1);
    expect(decodeURIComponent(reads[0]?.path ?? '')).toContain(
      `$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${EXCHANGE}'&$expand=policy($expand=rules)`,
    );
    expect(await privileges.rules({ ...exchange, id: GLOBAL })).toEqual({
      maxDuration: 8 * 3600,
      justificationRequired: false,
      ticketRequired: false,
      mfaRequired: false,
      approvalRequired: false,
    });
    env.now += 60_001;
    await privileges.rules(exchange);
    expect(env.graphCalls('/policies/roleManagementPolicyAssignments')).toHaveLength(3);
  });

  it('names RoleManagementPolicy.Read.Directory when Graph refuses', async () => {
    env.graph.tenant.grantPermissions(['RoleEligibilitySchedule.Read.Directory']);
    await expect(env.adapter().privileges.rules(exchange)).rejects.toThrow(
      /`RoleManagementPolicy\.Read\.Directory`/,
    );
  });

  it('are not read for targets Graph does not serve yet', async () => {
    await expect(
      env.adapter().privileges.rules({ ...exchange, kind: 'azure_role' }),
    ).rejects.toMatchObject({ appError: { code: 'graph.unsupported_target' } });
  });
});

describe('assignments', () => {
  it('active ones, until they expire by time', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant({ durationSeconds: 1800 }));
    expect(await privileges.activeAssignments(ALICE)).toEqual([
      {
        principalId: ALICE,
        target: exchange,
        startAt: START,
        endsAt: START + 1_800_000,
        viaSchedule: true,
      },
    ]);
    env.now += 1_800_000;
    expect(await privileges.activeAssignments(ALICE)).toEqual([]);
    expect(env.graph.tenant.activeAssignments()).toEqual([]);
  });

  it('standing ones, for the "assigned outside PIM" alert, and who holds a role', async () => {
    const { privileges } = env.adapter();
    env.graph.tenant.addPermanentAssignment({ principalId: BOB, roleDefinitionId: GLOBAL });
    env.graph.tenant.addEligibility({ principalId: ALICE, roleDefinitionId: GLOBAL });
    await privileges.activate(
      grant({ target: { ...exchange, id: GLOBAL, name: 'Global Administrator' } }),
    );
    expect(await privileges.standingAssignments()).toMatchObject([
      {
        principalId: BOB,
        target: { name: 'Global Administrator' },
        endsAt: null,
        viaSchedule: false,
      },
    ]);
    expect(await privileges.activeAssignments(BOB)).toMatchObject([{ viaSchedule: false }]);
    const members = await privileges.roleMembers(GLOBAL);
    expect(members.map((m) => [m.id, m.type]).sort()).toEqual(
      [
        [ALICE, 'user'],
        [BOB, 'user'],
      ].sort(),
    );
    expect(await privileges.roleMembers('00000000-0000-4000-8000-000000000000')).toEqual([]);
  });
});
