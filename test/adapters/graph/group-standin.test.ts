/**
 * The simulated tenant's PIM for Groups as the Graph client sees it: PIM's validation of
 * schedule requests, its error bodies, the permission each endpoint needs, and group members;
 * and the eligibility requests of eligibility reviews, for groups and directory roles alike.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, REVIEW_PERMISSIONS } from '../../../adapters/entra-sim/tenant.ts';
import { createGraphClient } from '../../../adapters/graph/client.ts';
import { createCredential } from '../../../adapters/graph/credential.ts';
import { failureOf } from '../../../adapters/graph/errors.ts';
import { ALICE, BOB, CAROL, EXCHANGE, FAST, GROUP, START, useGraph } from './graph-fixture.ts';
import { addPaymentsGroup, GROUP_REQUESTS, PIM_GROUPS } from './group-fixture.ts';
import { GROUP_SCOPE, userClient, userToken } from './user-token.ts';

const env = useGraph();
let client: Client;

/** A client with a fresh token: a token carries the permissions consented when it was issued. */
const newClient = () =>
  createGraphClient(
    createCredential({
      tenantId: env.graph.tenantId,
      clientId: env.graph.clientId,
      clientSecret: env.graph.clientSecret,
      authorityHost: env.graph.authorityHost,
    }),
    { baseUrl: env.graph.graphBaseUrl, ...FAST },
  );

beforeEach(() => {
  addPaymentsGroup(env);
  client = newClient();
});

const body = (over: Record<string, unknown> = {}) => ({
  action: 'selfActivate',
  accessId: 'member',
  principalId: ALICE,
  groupId: GROUP,
  justification: 'payments outage',
  scheduleInfo: {
    startDateTime: new Date(START).toISOString(),
    expiration: { type: 'AfterDuration', duration: 'PT2H' },
  },
  ...over,
});

/** What Graph answered a failed call: status, code and message. */
async function refused(call: Promise<unknown>) {
  const { status, code, message } = failureOf(
    await call.then(
      () => null,
      (e: unknown) => e,
    ),
  );
  return { status, code, message };
}

/** Self actions with the principal's own token (PIM refuses the app's), admin ones as the app. */
const post = async (b: Record<string, unknown>) =>
  (String(b.action).startsWith('self')
    ? userClient(env.graph, await userToken(env.graph, String(b.principalId), true, [GROUP_SCOPE]))
    : client
  )
    .api(GROUP_REQUESTS)
    .post(b);

describe('schedule requests', () => {
  it("apply PIM's rules for the group and access asked for", async () => {
    const rules = (...names: string[]) => ({
      status: 400,
      code: 'RoleAssignmentRequestPolicyValidationFailed',
      message: `The following policy rules failed: ${JSON.stringify(names)}`,
    });
    expect(
      await refused(
        post(body({ scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT9H' } } })),
      ),
    ).toEqual(rules('ExpirationRule'));
    env.graph.tenant.setGroupPolicy(GROUP, 'member', { justification: true, ticketing: true });
    expect(await refused(post(body({ justification: '' })))).toEqual(
      rules('TicketingRule', 'JustificationRule'),
    );
    expect(await refused(post(body({ principalId: CAROL, accessId: 'owner' })))).toEqual(
      rules('EligibilityRule'),
    );
    env.graph.tenant.setGroupPolicy(GROUP, 'owner', { adminMaximumDuration: 'PT1H' });
    expect(await refused(post(body({ action: 'adminAssign', accessId: 'owner' })))).toEqual(
      rules('ExpirationRule'),
    );
  });

  it('grant once: a second assign exists already, removing nothing does not exist', async () => {
    const made = await post(body({ action: 'adminAssign' }));
    expect(made).toMatchObject({
      status: 'Provisioned',
      action: 'adminAssign',
      accessId: 'member',
      groupId: GROUP,
      principalId: ALICE,
    });
    expect(env.graph.tenant.activeGroupAssignments()).toMatchObject([
      { id: made.targetScheduleId, endDateTime: '2026-11-23T11:00:00.000Z' },
    ]);
    expect(await refused(post(body({ action: 'adminAssign' })))).toEqual({
      status: 400,
      code: 'RoleAssignmentExists',
      message: 'The Role assignment already exists.',
    });
    const remove = body({ action: 'adminRemove', accessId: 'owner' });
    expect(await refused(post(remove))).toEqual({
      status: 400,
      code: 'RoleAssignmentDoesNotExist',
      message: 'The Role assignment does not exist.',
    });
    expect(await refused(post(body({ accessId: 'admin' })))).toMatchObject({
      status: 400,
      code: 'BadRequest',
    });
  });
});

describe('self requests', () => {
  it("need the principal's own token: the app's and someone else's are refused", async () => {
    const denied = { status: 403, code: 'Authorization_RequestDenied' };
    expect(await refused(client.api(GROUP_REQUESTS).post(body()))).toMatchObject(denied);
    const carols = userClient(env.graph, await userToken(env.graph, CAROL, true, [GROUP_SCOPE]));
    expect(await refused(carols.api(GROUP_REQUESTS).post(body()))).toMatchObject(denied);
    expect(env.graph.tenant.activeGroupAssignments()).toEqual([]);
  });

  it("apply PIM's MFA rule to the token's amr", async () => {
    env.graph.tenant.setGroupPolicy(GROUP, 'member', { mfa: true });
    const without = userClient(env.graph, await userToken(env.graph, ALICE, false, [GROUP_SCOPE]));
    expect((await refused(without.api(GROUP_REQUESTS).post(body()))).message).toContain(
      '"MfaRule"',
    );
    expect(await post(body())).toMatchObject({ status: 'Granted', action: 'selfActivate' });
  });
});

describe('reads', () => {
  it('lists only with a filter on principalId or groupId, the group expanded when asked', async () => {
    const instances = `${PIM_GROUPS}/eligibilityScheduleInstances`;
    expect(await refused(client.api(instances).get())).toMatchObject({ status: 400 });
    const page = await client
      .api(instances)
      .filter(encodeURIComponent(`groupId eq '${GROUP}' and accessId eq 'owner'`))
      .expand('group')
      .get();
    expect(page.value).toMatchObject([
      {
        principalId: ALICE,
        groupId: GROUP,
        accessId: 'owner',
        memberType: 'direct',
        group: { id: GROUP, displayName: 'Payments Oncall' },
      },
    ]);
  });

  it('members: standing ones and those activated through PIM', async () => {
    env.graph.tenant.addStandingGroupMember(GROUP, BOB);
    await post(body({ action: 'adminAssign' }));
    const members = await client.api(`/groups/${GROUP}/members`).get();
    expect(members.value.map((m: { id: string }) => m.id)).toEqual([BOB, ALICE]);
    const instances = await client
      .api(`${PIM_GROUPS}/assignmentScheduleInstances`)
      .filter(encodeURIComponent(`groupId eq '${GROUP}'`))
      .get();
    expect(instances.value).toMatchObject([
      { principalId: BOB, assignmentType: 'assigned', memberType: 'direct', endDateTime: null },
      { principalId: ALICE, assignmentType: 'activated', memberType: 'direct' },
    ]);
    expect(await client.api(`/groups/${GROUP}`).select('displayName').get()).toMatchObject({
      displayName: 'Payments Oncall',
    });
  });

  it('each endpoint refuses without its permission, as Graph does', async () => {
    const denied = {
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    };
    const byAlice = encodeURIComponent(`principalId eq '${ALICE}'`);
    const calls: [string, () => Promise<unknown>][] = [
      [
        'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
        () => post(body({ action: 'adminAssign' })),
      ],
      [
        'PrivilegedEligibilitySchedule.Read.AzureADGroup',
        () => client.api(`${PIM_GROUPS}/eligibilityScheduleInstances`).filter(byAlice).get(),
      ],
      [
        'RoleManagementPolicy.Read.AzureADGroup',
        () =>
          client
            .api('/policies/roleManagementPolicyAssignments')
            .filter(
              encodeURIComponent(
                `scopeId eq '${GROUP}' and scopeType eq 'Group' and roleDefinitionId eq 'member'`,
              ),
            )
            .get(),
      ],
    ];
    for (const [permission, call] of calls) {
      expect(await call()).toBeTruthy();
      env.graph.tenant.revokePermission(permission);
      client = newClient();
      expect(await refused(call())).toEqual(denied);
    }
    expect(
      await refused(client.api(`${PIM_GROUPS}/assignmentScheduleInstances`).filter(byAlice).get()),
    ).toEqual(denied);
  });
});

describe('eligibility requests (adminRemove)', () => {
  const ROLE_ELIGIBILITY = '/roleManagement/directory/roleEligibilityScheduleRequests';
  const GROUP_ELIGIBILITY = `${PIM_GROUPS}/eligibilityScheduleRequests`;
  const role = (over: Record<string, unknown> = {}) => ({
    action: 'adminRemove',
    principalId: ALICE,
    roleDefinitionId: EXCHANGE,
    directoryScopeId: '/',
    justification: 'eligibility review',
    ...over,
  });
  const group = (over: Record<string, unknown> = {}) => ({
    action: 'adminRemove',
    principalId: ALICE,
    groupId: GROUP,
    accessId: 'owner',
    justification: 'eligibility review',
    ...over,
  });
  const notThere = {
    status: 400,
    code: 'RoleAssignmentDoesNotExist',
    message: 'The Role assignment does not exist.',
  };

  it('remove the eligibility and answer the request Revoked; a second time it does not exist', async () => {
    env.graph.tenant.grantPermissions([...ALL_PERMISSIONS, ...REVIEW_PERMISSIONS]);
    client = newClient();
    expect(await client.api(ROLE_ELIGIBILITY).post(role())).toMatchObject({
      status: 'Revoked',
      action: 'adminRemove',
      principalId: ALICE,
      roleDefinitionId: EXCHANGE,
      directoryScopeId: '/',
      justification: 'eligibility review',
    });
    expect(await refused(client.api(ROLE_ELIGIBILITY).post(role()))).toEqual(notThere);
    expect(await client.api(GROUP_ELIGIBILITY).post(group())).toMatchObject({
      status: 'Revoked',
      accessId: 'owner',
      groupId: GROUP,
      principalId: ALICE,
      targetScheduleId: `${GROUP}_owner_${ALICE}`,
    });
    expect(await refused(client.api(GROUP_ELIGIBILITY).post(group()))).toEqual(notThere);
    const left = await client
      .api(`${PIM_GROUPS}/eligibilityScheduleInstances`)
      .filter(encodeURIComponent(`principalId eq '${ALICE}'`))
      .get();
    expect(left.value.map((e: { accessId: string }) => e.accessId)).toEqual(['member']);
  });

  it('refuse bad input and what the simulated tenant does not model, with Graph error bodies', async () => {
    env.graph.tenant.grantPermissions([...ALL_PERMISSIONS, ...REVIEW_PERMISSIONS]);
    client = newClient();
    const badRequest = { status: 400, code: 'BadRequest' };
    for (const [path, b] of [
      [ROLE_ELIGIBILITY, role({ directoryScopeId: undefined })],
      [ROLE_ELIGIBILITY, role({ principalId: 'alice' })],
      [ROLE_ELIGIBILITY, role({ action: 'adminDelete' })],
      [ROLE_ELIGIBILITY, role({ action: 'adminAssign' })],
      [GROUP_ELIGIBILITY, group({ accessId: 'admin' })],
    ] as const)
      expect(await refused(client.api(path).post(b))).toMatchObject(badRequest);
    const unknownRole = role({ roleDefinitionId: 'x' });
    expect(await refused(client.api(ROLE_ELIGIBILITY).post(unknownRole))).toEqual({
      status: 404,
      code: 'RoleNotFound',
      message: "The role definition 'x' was not found.",
    });
    const nobody = group({ principalId: '00000000-0000-4000-8000-0000000000ff' });
    expect(await refused(client.api(GROUP_ELIGIBILITY).post(nobody))).toMatchObject({
      status: 400,
      code: 'InvalidPrincipal',
    });
  });

  it("need the app's write permission; a person's delegated token is refused", async () => {
    const denied = { status: 403, code: 'Authorization_RequestDenied' };
    // The group write permission is not consented by default (reviews need it).
    expect(await refused(client.api(GROUP_ELIGIBILITY).post(group()))).toMatchObject(denied);
    env.graph.tenant.revokePermission('RoleManagement.ReadWrite.Directory');
    client = newClient();
    expect(await refused(client.api(ROLE_ELIGIBILITY).post(role()))).toMatchObject(denied);
    env.graph.tenant.grantPermissions([
      ...ALL_PERMISSIONS,
      'RoleEligibilitySchedule.ReadWrite.Directory',
    ]);
    const alices = userClient(env.graph, await userToken(env.graph, ALICE, true));
    expect(await refused(alices.api(ROLE_ELIGIBILITY).post(role()))).toMatchObject(denied);
    client = newClient();
    expect(await client.api(ROLE_ELIGIBILITY).post(role())).toMatchObject({ status: 'Revoked' });
  });
});
