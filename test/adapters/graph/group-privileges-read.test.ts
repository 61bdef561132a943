/**
 * PIM for Groups reads: eligibility named from the expanded group, PIM's rules for membership
 * and ownership apart, active and standing assignments, and a deployment that has not
 * consented the group permissions yet keeping its directory roles.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { GraphRefusedError } from '../../../adapters/graph/errors.ts';
import { ALICE, BOB, exchange, GLOBAL, GROUP, START, useGraph } from './graph-fixture.ts';
import { addPaymentsGroup, groupGrant, member, owner, PIM_GROUPS } from './group-fixture.ts';

const env = useGraph();
const paths = (path: string) => env.graphCalls(path).map((c) => decodeURIComponent(c.path));

beforeEach(() => addPaymentsGroup(env));

describe('eligibility', () => {
  it('membership and ownership next to directory roles, by the user filter', async () => {
    const until = '2026-11-23T10:00:00.000Z';
    env.graph.tenant.removeGroupEligibility(ALICE, GROUP, 'owner');
    env.graph.tenant.addGroupEligibility({
      principalId: ALICE,
      groupId: GROUP,
      accessId: 'owner',
      endDateTime: until,
    });
    const { privileges } = env.adapter();
    expect(await privileges.eligibilities(ALICE)).toEqual([
      { target: exchange, endsAt: null },
      { target: member, endsAt: null },
      { target: owner, endsAt: Date.parse(until) },
    ]);
    expect(paths(`${PIM_GROUPS}/eligibilityScheduleInstances`)).toEqual([
      `/v1.0${PIM_GROUPS}/eligibilityScheduleInstances?$filter=principalId eq '${ALICE}'&$expand=group`,
    ]);
    env.now = Date.parse(until);
    expect((await privileges.eligibilities(ALICE)).map((e) => e.target)).toEqual([
      exchange,
      member,
    ]);
  });

  it('reads only the kinds asked for', async () => {
    const { privileges } = env.adapter();
    const roleReads = () => paths('/roleManagement/directory/roleEligibilityScheduleInstances');
    const groupReads = () => paths(`${PIM_GROUPS}/eligibilityScheduleInstances`);
    expect(await privileges.eligibilities(ALICE, ['directory_role'])).toEqual([
      { target: exchange, endsAt: null },
    ]);
    const roleReadsMade = roleReads().length;
    expect(roleReadsMade).toBeGreaterThan(0);
    expect(groupReads()).toEqual([]);
    expect(await privileges.eligibilities(ALICE, ['group'])).toEqual([
      { target: member, endsAt: null },
      { target: owner, endsAt: null },
    ]);
    expect(roleReads()).toHaveLength(roleReadsMade);
    expect(groupReads()).toHaveLength(1);
  });

  it('a group Graph no longer has keeps its id for a name', async () => {
    const gone = '00000000-0000-4000-8000-00000000dead';
    env.graph.tenant.addGroupEligibility({ principalId: ALICE, groupId: gone, accessId: 'member' });
    const held = await env.adapter().privileges.eligibilities(ALICE);
    expect(held.map((e) => e.target.name)).toContain(gone);
    expect(paths(`/groups/${gone}`)).toEqual([`/v1.0/groups/${gone}?$select=displayName`]);
  });

  it('without the group permission consented: directory roles still, groups left out', async () => {
    env.graph.tenant.revokePermission('PrivilegedEligibilitySchedule.Read.AzureADGroup');
    expect(await env.adapter().privileges.eligibilities(ALICE)).toEqual([
      { target: exchange, endsAt: null },
    ]);
  });
});

describe("PIM's rules", () => {
  it('per group and access, from the group policy assignment', async () => {
    const t = env.graph.tenant;
    t.setGroupPolicy(GROUP, 'owner', { maximumDuration: 'PT1H', approval: true, ticketing: true });
    const { privileges } = env.adapter();
    expect(await privileges.rules(owner)).toEqual({
      maxDuration: 3600,
      justificationRequired: false,
      ticketRequired: true,
      approvalRequired: true,
      mfaRequired: false,
    });
    expect(await privileges.rules(member)).toMatchObject({
      maxDuration: 8 * 3600,
      approvalRequired: false,
    });
    expect(paths('/policies/roleManagementPolicyAssignments')).toEqual([
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${GROUP}' and scopeType eq 'Group' and roleDefinitionId eq 'owner'&$expand=policy($expand=rules)`,
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${GROUP}' and scopeType eq 'Group' and roleDefinitionId eq 'member'&$expand=policy($expand=rules)`,
    ]);
  });

  it('names RoleManagementPolicy.Read.AzureADGroup when Graph refuses', async () => {
    env.graph.tenant.revokePermission('RoleManagementPolicy.Read.AzureADGroup');
    const refused = await env
      .adapter()
      .privileges.rules(member)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphRefusedError);
    expect((refused as Error).message).toContain('`RoleManagementPolicy.Read.AzureADGroup`');
    // The directory role policies are another permission.
    expect(await env.adapter().privileges.rules(exchange)).toMatchObject({ maxDuration: 8 * 3600 });
  });
});

describe('assignments', () => {
  it('active membership and ownership with the directory roles, until they end', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(groupGrant({ durationSeconds: 1800 }));
    await privileges.activate(groupGrant({ target: exchange }));
    expect(await privileges.activeAssignments(ALICE)).toEqual([
      {
        principalId: ALICE,
        target: exchange,
        startAt: START,
        endsAt: START + 7_200_000,
        viaSchedule: true,
      },
      {
        principalId: ALICE,
        target: member,
        startAt: START,
        endsAt: START + 1_800_000,
        viaSchedule: true,
      },
    ]);
    env.now += 1_800_000;
    expect((await privileges.activeAssignments(ALICE)).map((a) => a.target)).toEqual([exchange]);
  });

  it('an activated member is a member of the group in Entra while it lasts', async () => {
    const { privileges } = env.adapter();
    const approvers = [`group:${GROUP}`];
    expect(await env.adapter().directory.isAnyOf(ALICE, approvers)).toBe(false);
    await privileges.activate(groupGrant({ durationSeconds: 1800 }));
    expect(await env.adapter().directory.isAnyOf(ALICE, approvers)).toBe(true);
    env.now += 1_800_000;
    expect(await env.adapter().directory.isAnyOf(ALICE, approvers)).toBe(false);
  });

  it('standing members added outside PIM, for the alert, with the standing role holders', async () => {
    env.graph.tenant.addStandingGroupMember(GROUP, BOB);
    env.graph.tenant.addPermanentAssignment({ principalId: BOB, roleDefinitionId: GLOBAL });
    const { privileges } = env.adapter();
    await privileges.activate(groupGrant());
    const standing = await privileges.standingAssignments([GROUP]);
    expect(standing.map((a) => [a.principalId, a.target.kind, a.target.id, a.viaSchedule])).toEqual(
      [
        [BOB, 'directory_role', GLOBAL, false],
        [BOB, 'group', GROUP, false],
      ],
    );
    expect(standing[1]?.target).toEqual(member);
    // Without groups to look at, the directory roles only (Graph lists group by group).
    expect((await privileges.standingAssignments()).map((a) => a.target.id)).toEqual([GLOBAL]);
  });
});
