/**
 * PIM for Groups and a mixed request on Teams, end to end: typed in the 1:1 chat, approved
 * with Action.Execute on the approvals channel's card, granted through the Graph stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { APPROVALS, startTeamsWorld, type TeamsWorld } from './teams-world.ts';
import { PAYMENTS_ONCALL, ROLES, SUBSCRIPTION_SCOPE, TENANT } from './world.ts';

let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld();
});
afterAll(async () => {
  await w?.close();
});

const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const cardsFor = (id: string) =>
  w.teams.connector.activitiesIn(APPROVALS).filter((a) => JSON.stringify(a.activity).includes(id));

describe('Teams: PIM for Groups', () => {
  it('lists the group, activates membership from the card, and ends it with deactivate <group>', async () => {
    expect(await w.say(TENANT.alice, 'roles')).toContain('group Payments Oncall: up to 2h');
    const reply = await w.say(TENANT.alice, 'group Payments Oncall 1h rotate the pager INC-91');
    const id = requestIdIn(reply);
    await waitFor(() => w.cardFor(id), 5_000, 'approval card');
    expect(JSON.stringify(w.cardFor(id)?.activity)).toContain('group Payments Oncall');
    await w.act(TENANT.bob, 'approve', { requestId: id });
    await waitFor(
      () =>
        w.graph.tenant
          .activeGroupAssignments()
          .some((a) => a.principalId === TENANT.alice.id && a.groupId === PAYMENTS_ONCALL.id),
      10_000,
      'membership in Entra',
    );
    const told = await waitFor(
      () => w.personalTexts(TENANT.alice).find((t) => t.includes('is active until')),
      5_000,
      'requester told',
    );
    expect(told).toContain('cache your group membership');
    await w.say(TENANT.alice, 'deactivate group Payments Oncall');
    await waitFor(async () => (await w.app.deps.store.get(id))?.state === 'ended', 10_000, 'ended');
    expect(
      w.graph.tenant.activeGroupAssignments().filter((a) => a.principalId === TENANT.alice.id),
    ).toEqual([]);
  });

  it('refuses what the person is not eligible for, naming what they are', async () => {
    expect(await w.say(TENANT.alice, 'group Payments Oncall owner 1h fix the rota')).toContain(
      'as member, not as owner',
    );
    expect(await w.say(TENANT.dave, 'group Payments Oncall 1h fix the rota')).toContain(
      'nor for any other group in PIM',
    );
  });
});

describe('Teams: a role and a group in one request', () => {
  it('is one card, one approval, one activation per target', async () => {
    const reply = await w.say(
      TENANT.alice,
      'exo, group payments 1h restore mail and paging INC-92',
    );
    const id = requestIdIn(reply);
    await waitFor(() => w.cardFor(id), 5_000, 'approval card');
    expect(cardsFor(id)).toHaveLength(1);
    await w.act(TENANT.bob, 'approve', { requestId: id });
    await waitFor(
      async () => (await w.app.deps.store.get(id))?.state === 'active',
      10_000,
      'active',
    );
    expect(
      w.graph.tenant
        .activeAssignments()
        .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.exchange.id),
    ).toBe(true);
    expect(
      w.graph.tenant
        .activeGroupAssignments()
        .some((a) => a.principalId === TENANT.alice.id && a.groupId === PAYMENTS_ONCALL.id),
    ).toBe(true);
    expect(cardsFor(id)).toHaveLength(1);
    await w.say(TENANT.alice, `deactivate ${id}`);
    await waitFor(async () => (await w.app.deps.store.get(id))?.state === 'ended', 10_000, 'ended');
  });
});

describe('Teams: Azure resource roles and all three kinds at once', () => {
  it('activates a directory role, a group and an Azure role in one request', async () => {
    const reply = await w.say(
      TENANT.alice,
      'Helpdesk Administrator, group Payments Oncall, Contributor on rg-app 1h incident bridge INC-93',
    );
    const id = requestIdIn(reply);
    expect(id).not.toBe('');
    await waitFor(() => w.cardFor(id), 5_000, 'approval card');
    expect(cardsFor(id)).toHaveLength(1);
    const card = JSON.stringify(w.cardFor(id)?.activity);
    expect(card).toContain('group Payments Oncall');
    expect(card).toMatch(/Contributor on rg\W*-app/);
    await w.act(TENANT.bob, 'approve', { requestId: id });
    const rg = `${SUBSCRIPTION_SCOPE}/resourceGroups/rg-app`;
    await waitFor(
      () =>
        w.graph.tenant.azure
          .activeAssignments()
          .some((a) => a.principalId === TENANT.alice.id && a.scope === rg),
      10_000,
      'Azure assignment',
    );
    await waitFor(
      async () => (await w.app.deps.store.get(id))?.state === 'active',
      10_000,
      'active',
    );
    expect(
      w.graph.tenant
        .activeAssignments()
        .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.helpdesk.id),
    ).toBe(true);
    expect(
      w.graph.tenant
        .activeGroupAssignments()
        .some((a) => a.principalId === TENANT.alice.id && a.groupId === PAYMENTS_ONCALL.id),
    ).toBe(true);
    const status = await w.say(TENANT.alice, 'status');
    expect(status).toMatch(/Contributor on rg\W*-app/);
  });

  it('refuses a scope outside the eligible ones, listing them', async () => {
    const reply = await w.say(TENANT.alice, 'Contributor on rg-elsewhere 1h hotfix the API');
    expect(reply).toContain('is not within a scope where you are eligible');
    expect(reply).toContain('Payments Prod');
  });
});
