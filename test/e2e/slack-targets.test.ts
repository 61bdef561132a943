/**
 * PIM for Groups and mixed requests on Slack, end to end: signed commands and clicks through
 * the running bot, the real Graph client against the stand-in, one approval card per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionBody, postToBot } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import {
  AZURE,
  PAYMENTS_ONCALL,
  ROLES,
  SUBSCRIPTION_SCOPE,
  slashCommand,
  startWorld,
  TENANT,
  type World,
} from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const cardsFor = (id: string) =>
  world.slack.messagesIn('C0APPROVALS').filter((m) => JSON.stringify(m.blocks).includes(id));
const dmsTo = (who: { slack: string }) => world.slack.messagesIn(world.slack.dmOf(who.slack));

async function approve(who: { slack: string }, id: string) {
  const [card] = cardsFor(id);
  const body = blockActionBody({
    userId: who.slack,
    teamId: world.slack.teamId,
    actionId: 'elevate_approve',
    value: id,
    channelId: 'C0APPROVALS',
    messageTs: card?.ts ?? '1.1',
    responseUrl: world.slack.responseUrl(),
    triggerId: world.slack.triggerId(),
  });
  const res = await postToBot(`${world.app.url}/slack/events`, world.slack.signingSecret, body);
  expect(res.status).toBe(200);
}

const groupRequests = () =>
  world.graph.calls.filter(
    (c) =>
      c.method === 'POST' &&
      c.path.endsWith('/privilegedAccess/group/assignmentScheduleRequests') &&
      c.status === 201,
  );

describe('Slack: PIM for Groups', () => {
  it('lists the group among what one can activate, with how to ask for it', async () => {
    const reply = await slashCommand(world, TENANT.alice, 'roles');
    expect(reply).toContain('group Payments Oncall: up to 2h');
    expect(reply).toContain('Exchange Administrator');
  });

  it('activates membership after approval, with the caching hint, and ends it early', async () => {
    const reply = await slashCommand(
      world,
      TENANT.alice,
      'group payments 1h rotate the pager schedule INC-77',
    );
    expect(reply).toContain('sent to the approvers');
    const id = requestIdIn(reply);
    await waitFor(() => cardsFor(id).length > 0, 5_000, 'approval card');
    expect(JSON.stringify(cardsFor(id)[0]?.blocks)).toContain('group Payments Oncall');
    await approve(TENANT.bob, id);
    await waitFor(
      () =>
        world.graph.tenant
          .activeGroupAssignments()
          .some((a) => a.principalId === TENANT.alice.id && a.groupId === PAYMENTS_ONCALL.id),
      10_000,
      'membership in Entra',
    );
    expect(groupRequests()[0]?.body).toMatchObject({
      action: 'adminAssign',
      accessId: 'member',
      groupId: PAYMENTS_ONCALL.id,
      principalId: TENANT.alice.id,
      ticketInfo: { ticketNumber: 'INC-77' },
    });
    const told = await waitFor(
      () => dmsTo(TENANT.alice).find((m) => m.text.includes('is active until')),
      5_000,
      'requester told',
    );
    expect(told.text).toContain('cache your group membership');

    await slashCommand(world, TENANT.alice, 'deactivate group Payments Oncall');
    await waitFor(
      async () => (await world.app.deps.store.get(id))?.state === 'ended',
      10_000,
      'grant ended',
    );
    expect(
      world.graph.tenant.activeGroupAssignments().filter((a) => a.principalId === TENANT.alice.id),
    ).toEqual([]);
    expect(groupRequests().at(-1)?.body).toMatchObject({
      action: 'adminRemove',
      accessId: 'member',
    });
  });

  it('refuses ownership to a member-only eligible person and a group nobody named, saying what to do', async () => {
    const owner = await slashCommand(
      world,
      TENANT.alice,
      'group Payments Oncall owner 1h deploy fix',
    );
    expect(owner).toContain('as member, not as owner');
    const unknown = await slashCommand(world, TENANT.alice, 'group Billing 1h deploy the fix');
    expect(unknown).toContain('not eligible for a PIM group called');
    expect(unknown).toContain('Payments Oncall');
    const dave = await slashCommand(world, TENANT.dave, 'group Payments Oncall 1h deploy the fix');
    expect(dave).toContain('nor for any other group in PIM');
  });
});

describe('Slack: a request for a role and a group together', () => {
  it('posts one approval card per conversation, grants each target, and reports per target', async () => {
    const reply = await slashCommand(
      world,
      TENANT.alice,
      'Exchange Administrator, group Payments Oncall 1h restore mail and paging INC-78',
    );
    const id = requestIdIn(reply);
    expect(id).not.toBe('');
    await waitFor(() => cardsFor(id).length > 0, 5_000, 'approval card');
    await waitFor(
      () => dmsTo(TENANT.bob).some((m) => JSON.stringify(m.blocks).includes(id)),
      5_000,
      'DM card to the approver',
    );
    // One card in the approvals channel and one in Bob's DM, not one per target.
    expect(cardsFor(id)).toHaveLength(1);
    expect(dmsTo(TENANT.bob).filter((m) => JSON.stringify(m.blocks).includes(id))).toHaveLength(1);
    // PIM refuses the group (someone added Alice to it in the portal meanwhile): the role stands.
    world.graph.tenant.addStandingGroupMember(PAYMENTS_ONCALL.id, TENANT.alice.id);
    await approve(TENANT.bob, id);
    const active = await waitFor(
      async () => {
        const r = await world.app.deps.store.get(id);
        return r?.state === 'active' ? r : undefined;
      },
      10_000,
      'active',
    );
    expect(active.failedTargets?.map((f) => f.target.name)).toEqual([PAYMENTS_ONCALL.name]);
    expect(
      world.graph.tenant
        .activeAssignments()
        .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.exchange.id),
    ).toBe(true);
    const told = await waitFor(
      () => dmsTo(TENANT.alice).find((m) => m.text.includes(id) && m.text.includes('Not granted')),
      5_000,
      'requester told of the part not granted',
    );
    expect(told.text).toContain('Exchange Administrator is active until');
    expect(told.text).toMatch(
      /Not granted: Activating \W*Payments Oncall\W* failed: .*already active.*The other targets of this request were granted/,
    );
    await waitFor(
      () => JSON.stringify(cardsFor(id)[0]?.blocks).includes('Not granted'),
      5_000,
      'card says what was not granted',
    );
    const audit = await world.app.deps.audit.list({ limit: 500 });
    expect(
      audit.find((e) => e.requestId === id && e.action === 'grant.activated')?.details,
    ).toMatchObject({
      granted: 'Exchange Administrator',
      failed: expect.stringContaining('Payments Oncall'),
    });
    await slashCommand(world, TENANT.alice, `deactivate ${id}`);
    await waitFor(
      async () => (await world.app.deps.store.get(id))?.state === 'ended',
      10_000,
      'ended',
    );
  });
});

const armPuts = () =>
  world.graph.calls.filter(
    (c) => c.method === 'PUT' && c.path.includes('/roleAssignmentScheduleRequests/'),
  );

describe('Slack: Azure resource roles', () => {
  it('lists Azure roles with their scopes', async () => {
    const reply = await slashCommand(world, TENANT.alice, 'roles');
    expect(reply).toContain(`Contributor on Payments Prod (${SUBSCRIPTION_SCOPE})`);
    expect(reply).toContain('Reader on rg-app');
  });

  it('activates Contributor on a resource group under the eligible subscription, through ARM', async () => {
    const reply = await slashCommand(
      world,
      TENANT.alice,
      'Contributor on rg-payments 1h hotfix for the payments API INC-80',
    );
    expect(reply).toContain('sent to the approvers');
    const id = requestIdIn(reply);
    await waitFor(() => cardsFor(id).length > 0, 5_000, 'approval card');
    expect(JSON.stringify(cardsFor(id)[0]?.blocks)).toContain('Contributor on rg-payments');
    await approve(TENANT.bob, id);
    const rg = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg-payments`;
    await waitFor(
      () =>
        world.graph.tenant.azure
          .activeAssignments()
          .some((a) => a.principalId === TENANT.alice.id && a.scope === rg),
      10_000,
      'Azure role assignment',
    );
    const [put] = armPuts();
    expect(put?.path.split('?')[0]).toMatch(
      new RegExp(
        `^${rg}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/[0-9a-f-]{36}$`,
        'i',
      ),
    );
    expect(put?.body).toMatchObject({
      properties: {
        principalId: TENANT.alice.id,
        requestType: 'AdminAssign',
        roleDefinitionId: `${SUBSCRIPTION_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${AZURE.contributor}`,
        ticketInfo: { ticketNumber: 'INC-80' },
        scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
      },
    });
    // ARM keeps a role 5 minutes: an early end is explained and done when Azure allows it.
    const early = await slashCommand(world, TENANT.alice, 'deactivate Contributor on rg-payments');
    expect(early).toContain('within 5 minutes of its activation');
    const r = await world.app.deps.store.get(id);
    expect(r?.state).toBe('active');
    expect((r?.endsAt ?? 0) - (r?.activatedAt ?? 0)).toBeLessThanOrEqual(5 * 60_000 + 2_000);
    const audit = await world.app.deps.audit.list({ limit: 1000 });
    expect(audit.some((e) => e.requestId === id && e.action === 'grant.end_deferred')).toBe(true);
  });

  it('refuses a scope outside the eligible ones and a role not held, listing what is', async () => {
    const outside = await slashCommand(
      world,
      TENANT.alice,
      'Contributor on /subscriptions/00000000-0000-4000-8000-000000000000 1h hotfix the thing',
    );
    expect(outside).toContain('is not within a scope where you are eligible');
    expect(outside).toContain(SUBSCRIPTION_SCOPE);
    const byName = await slashCommand(
      world,
      TENANT.alice,
      'Reader on rg-payments 1h read the logs',
    );
    expect(byName).toContain('is not within a scope where you are eligible for');
    const owner = await slashCommand(world, TENANT.alice, 'Owner on rg-app 1h read the logs');
    expect(owner).toContain('Azure role called');
  });
});
