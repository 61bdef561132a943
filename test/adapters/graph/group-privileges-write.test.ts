/**
 * PIM for Groups grants: the exact requests Graph receives (accessId, groupId, action,
 * justification, ticketInfo), idempotence after a lost response, removal of only this
 * request's grant, and PIM's refusals as catalogue errors naming the group; ending an
 * eligibility for membership or ownership (eligibility reviews).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, REVIEW_PERMISSIONS } from '../../../adapters/entra-sim/tenant.ts';
import { GraphUnavailableError } from '../../../adapters/graph/errors.ts';
import { ALICE, BOB, GROUP, INNER_GROUP, START, useGraph } from './graph-fixture.ts';
import {
  addPaymentsGroup,
  GROUP_REQUESTS,
  groupGrant as grant,
  member,
  owner,
  PIM_GROUPS,
} from './group-fixture.ts';

const env = useGraph();
const posts = () => env.graphCalls(GROUP_REQUESTS, 'POST');
const assignments = () => env.graph.tenant.activeGroupAssignments();

beforeEach(() => addPaymentsGroup(env));

describe('activate', () => {
  it('sends adminAssign for the group and access, and answers with the end', async () => {
    const { privileges } = env.adapter();
    expect(await privileges.activate(grant())).toEqual({
      ok: true,
      value: { endsAt: START + 7_200_000 },
    });
    expect(await privileges.activate(grant({ target: owner, ticket: null }))).toMatchObject({
      ok: true,
    });
    expect(posts().map((c) => c.body)).toEqual([
      {
        action: 'adminAssign',
        accessId: 'member',
        principalId: ALICE,
        groupId: GROUP,
        justification: grant().justification,
        ticketInfo: { ticketNumber: 'INC-4711', ticketSystem: 'elevate' },
        scheduleInfo: {
          startDateTime: '2026-11-23T09:00:00.000Z',
          expiration: { type: 'afterDuration', duration: 'PT2H' },
        },
      },
      {
        action: 'adminAssign',
        accessId: 'owner',
        principalId: ALICE,
        groupId: GROUP,
        justification: grant().justification,
        scheduleInfo: {
          startDateTime: '2026-11-23T09:00:00.000Z',
          expiration: { type: 'afterDuration', duration: 'PT2H' },
        },
      },
    ]);
    expect(assignments()).toMatchObject([
      { principalId: ALICE, groupId: GROUP, accessId: 'member' },
      { principalId: ALICE, groupId: GROUP, accessId: 'owner' },
    ]);
    // Nothing of it went to the directory role endpoints.
    expect(env.graphCalls('/roleManagement/directory/roleAssignmentScheduleRequests')).toEqual([]);
  });

  it('a POST whose answer was lost is retried by the SDK and grants once', async () => {
    env.graph.faults.failAfterCommit(1, GROUP_REQUESTS);
    const { privileges } = env.adapter();
    expect(await privileges.activate(grant())).toEqual({
      ok: true,
      value: { endsAt: START + 7_200_000 },
    });
    expect(posts().map((c) => c.status)).toEqual([503, 400]);
    expect(assignments()).toHaveLength(1);
  });

  it('when every answer is lost it throws, and the job retry finds the grant made', async () => {
    env.graph.faults.failAfterCommit(2, GROUP_REQUESTS);
    const { privileges } = env.adapter({ client: { maxRetries: 1 } });
    await expect(privileges.activate(grant())).rejects.toBeInstanceOf(GraphUnavailableError);
    expect(await privileges.activate(grant())).toMatchObject({ ok: true });
    expect(assignments()).toHaveLength(1);
  });

  it('refuses membership held for another reason, saying until when', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant());
    const other = await privileges.activate(
      grant({ requestId: 'R0000002', justification: 'other | via elevate R0000002' }),
    );
    expect(other).toMatchObject({ ok: false, error: { code: 'graph.already_active' } });
    expect(other.ok || other.error.message).toContain('`Payments Oncall`');
    expect(other.ok || other.error.message).toContain('until 2026-11-23 11:00 UTC');
    env.graph.tenant.addStandingGroupMember(GROUP, BOB);
    env.graph.tenant.addGroupEligibility({ principalId: BOB, groupId: GROUP, accessId: 'member' });
    const standing = await privileges.activate(grant({ principalId: BOB }));
    expect(standing.ok || standing.error.message).toContain('with no end date');
  });

  it('grants nothing Entra does not list as eligible now, before asking PIM', async () => {
    env.graph.tenant.removeGroupEligibility(ALICE, GROUP, 'owner');
    const { privileges } = env.adapter();
    const refused = await privileges.activate(grant({ target: owner }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'policy.not_eligible' } });
    expect(refused.ok || refused.error.message).toContain('`Payments Oncall (owner)`');
    expect(await privileges.activate(grant({ principalId: BOB }))).toMatchObject({
      ok: false,
      error: { code: 'policy.not_eligible' },
    });
    expect(posts()).toEqual([]);
  });
});

describe('refusals', () => {
  it("PIM's duration and justification rules for the access asked for", async () => {
    env.graph.tenant.setGroupPolicy(GROUP, 'owner', {
      adminMaximumDuration: 'PT1H',
      adminJustification: true,
    });
    const { privileges } = env.adapter();
    const long = await privileges.activate(grant({ target: owner }));
    expect(long).toMatchObject({ ok: false, error: { code: 'graph.duration_rejected' } });
    expect(long.ok || long.error.message).toContain('Payments Oncall (owner)');
    expect(
      await privileges.activate(
        grant({ target: owner, durationSeconds: 1800, justification: ' ' }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'graph.justification_rejected' } });
    // Membership has its own settings: PIM's defaults.
    expect(await privileges.activate(grant())).toMatchObject({ ok: true });
    expect(assignments().map((a) => a.accessId)).toEqual(['member']);
  });

  it('a group that is gone', async () => {
    const gone = '00000000-0000-4000-8000-00000000dead';
    env.graph.tenant.addGroupEligibility({ principalId: ALICE, groupId: gone, accessId: 'member' });
    const refused = await env
      .adapter()
      .privileges.activate(grant({ target: { ...member, id: gone, name: 'Old Oncall' } }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.not_found' } });
  });

  it('a missing permission, named with the admin-consent step', async () => {
    env.graph.tenant.revokePermission('PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup');
    const refused = await env.adapter().privileges.activate(grant());
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.permission_missing' } });
    expect(refused.ok || refused.error.message).toMatch(
      /`PrivilegedAssignmentSchedule\.ReadWrite\.AzureADGroup`.*grant admin consent/,
    );
    expect(posts().map((c) => c.status)).toEqual([403]);
  });

  it('eligibility that cannot be read refuses the grant, naming the permission', async () => {
    env.graph.tenant.revokePermission('PrivilegedEligibilitySchedule.Read.AzureADGroup');
    const refused = await env.adapter().privileges.activate(grant());
    expect(refused.ok || refused.error.message).toContain(
      '`PrivilegedEligibilitySchedule.Read.AzureADGroup`',
    );
    expect(posts()).toEqual([]);
  });
});

describe('deactivate and extend', () => {
  it('removes with adminRemove, the one access only; one already gone is success', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant());
    await privileges.activate(grant({ target: owner }));
    expect(await privileges.deactivate(ALICE, member, 'R0000001')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(posts().at(-1)?.body).toEqual({
      action: 'adminRemove',
      accessId: 'member',
      principalId: ALICE,
      groupId: GROUP,
      justification: 'ended by elevate R0000001',
    });
    expect(assignments().map((a) => a.accessId)).toEqual(['owner']);
    expect(await privileges.deactivate(ALICE, member, 'R0000001')).toMatchObject({ ok: true });
    expect(posts().map((c) => c.status)).toEqual([201, 201, 201, 400]);
  });

  it('never removes a membership the request did not make', async () => {
    env.graph.tenant.addStandingGroupMember(GROUP, BOB);
    const { privileges } = env.adapter();
    expect(await privileges.deactivate(BOB, member, 'R0000009')).toMatchObject({ ok: true });
    await privileges.activate(
      grant({
        requestId: 'R0000002',
        justification: 'via elevate R0000002',
        durationSeconds: 3600,
      }),
    );
    env.now += 3_600_000 * 3;
    await privileges.activate(grant({ startAt: env.now, justification: 'via elevate R0000003' }));
    // R0000002's grant has ended; the live one is R0000003's.
    expect(await privileges.deactivate(ALICE, member, 'R0000002')).toMatchObject({ ok: true });
    expect(assignments()).toHaveLength(2);
    expect(posts().filter((c) => (c.body as { action: string }).action === 'adminRemove')).toEqual(
      [],
    );
  });

  it('extends with adminExtend to the new end; a grant no longer there cannot be', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant({ target: owner }));
    expect(await privileges.extend(grant({ target: owner }), START + 3 * 3_600_000)).toEqual({
      ok: true,
      value: { endsAt: START + 3 * 3_600_000 },
    });
    expect(posts().at(-1)?.body).toMatchObject({
      action: 'adminExtend',
      accessId: 'owner',
      groupId: GROUP,
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT3H' } },
    });
    expect(assignments()[0]?.endDateTime).toBe('2026-11-23T12:00:00.000Z');
    expect(await privileges.extend(grant(), START + 4 * 3_600_000)).toMatchObject({
      ok: false,
      error: { code: 'grant.not_active' },
    });
  });
});

describe('endEligibility', () => {
  const ELIGIBILITY_REQUESTS = `${PIM_GROUPS}/eligibilityScheduleRequests`;
  const removals = () => env.graphCalls(ELIGIBILITY_REQUESTS, 'POST');
  const REVIEW = 'eligibility review RV000001: removed by bob@contoso.com';
  const done = { ok: true, value: undefined };
  const access = async () =>
    (await env.adapter().privileges.eligibilities(ALICE))
      .filter((e) => e.target.kind === 'group')
      .map((e) => e.target.access);

  it('sends adminRemove for the group and access; the other access stays; gone again is success', async () => {
    env.graph.tenant.grantPermissions([...ALL_PERMISSIONS, ...REVIEW_PERMISSIONS]);
    const { privileges } = env.adapter();
    expect(await privileges.endEligibility(ALICE, member, REVIEW)).toEqual(done);
    expect(removals().map((c) => c.body)).toEqual([
      {
        action: 'adminRemove',
        principalId: ALICE,
        groupId: GROUP,
        accessId: 'member',
        justification: REVIEW,
      },
    ]);
    expect(await access()).toEqual(['owner']);
    expect(await privileges.activate(grant())).toMatchObject({
      ok: false,
      error: { code: 'policy.not_eligible' },
    });
    expect(await privileges.endEligibility(ALICE, member, REVIEW)).toEqual(done);
    expect(removals().map((c) => c.status)).toEqual([201, 400]);
  });

  it('names the group that still holds it for the person', async () => {
    env.graph.tenant.grantPermissions([...ALL_PERMISSIONS, ...REVIEW_PERMISSIONS]);
    env.graph.tenant.addGroup({ id: INNER_GROUP, displayName: 'Payments Leads', members: [BOB] });
    env.graph.tenant.addGroupEligibility({
      principalId: INNER_GROUP,
      groupId: GROUP,
      accessId: 'owner',
    });
    const refused = await env.adapter().privileges.endEligibility(BOB, owner, REVIEW);
    expect(refused).toMatchObject({ ok: false, error: { code: 'eligibility.held_through_group' } });
    expect(refused.ok || refused.error.message).toContain('`Payments Leads`');
    // Alice is not in it: her own ownership ends, nothing else is said.
    expect(await env.adapter().privileges.endEligibility(ALICE, owner, REVIEW)).toEqual(done);
  });

  it('without the write permission, names the one to consent to', async () => {
    const refused = await env.adapter().privileges.endEligibility(ALICE, member, REVIEW);
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.permission_missing' } });
    expect(refused.ok || refused.error.message).toMatch(
      /`PrivilegedEligibilitySchedule\.ReadWrite\.AzureADGroup`.*grant admin consent/,
    );
    expect(await access()).toEqual(['member', 'owner']);
  });

  it('a group that is gone', async () => {
    env.graph.tenant.grantPermissions([...ALL_PERMISSIONS, ...REVIEW_PERMISSIONS]);
    const gone = { ...member, id: '00000000-0000-4000-8000-00000000dead', name: 'Old Oncall' };
    const refused = await env.adapter().privileges.endEligibility(ALICE, gone, REVIEW);
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.not_found' } });
    expect(refused.ok || refused.error.message).toContain('`Old Oncall`');
  });
});
