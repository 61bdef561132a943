/**
 * Delegated mode from Slack, end to end: the running bot, the real Bolt, MSAL and Graph client
 * against the Slack and Entra stand-ins. The requester's own sign-in activates the role with
 * PIM's selfActivate (the stand-in refuses it with the app's token), PIM's own MFA rule
 * applies to that sign-in, and ending early asks for a fresh sign-in and calls selfDeactivate.
 * Azure roles the same through ARM's SelfActivate and SelfDeactivate with her own ARM token;
 * one sign-in for a directory role and an Azure role brings a token for each API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionBody, postToBot } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { SLACK_DELEGATED_POLICY, setPimRules } from './delegated-policy.ts';
import {
  finishSignIn,
  selfActivateAsApp,
  signInLink,
  signInThrough,
  startSignIn,
} from './sign-in.ts';
import { AZURE, ROLES, slashCommand, startWorld, TENANT, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld({ policy: SLACK_DELEGATED_POLICY });
  setPimRules(world);
});
afterAll(async () => {
  await world?.close();
});

type Person = (typeof TENANT)[keyof typeof TENANT];
const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const textOf = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const dmTo = (p: Person) => world.slack.messagesIn(world.slack.dmOf(p.slack)).map(textOf);
const command = (who: Person, text: string) => slashCommand(world, who, text);
const state = async (id: string) => (await world.app.deps.store.get(id))?.state;
const granted = (roleId: string) =>
  world.graph.tenant
    .activeAssignments()
    .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === roleId);
/** PIM's record of schedule requests for a role: action and status. */
const pimRequests = (roleId: string) =>
  (world.graph.tenant.requests() as { action: string; status: string; roleDefinitionId: string }[])
    .filter((r) => r.roleDefinitionId === roleId)
    .map((r) => `${r.action}:${r.status}`);

async function newLinkForAlice(before: number): Promise<string> {
  return waitFor(
    () => {
      const fresh = dmTo(TENANT.alice).slice(before);
      for (let i = fresh.length - 1; i >= 0; i--) {
        const link = signInLink(fresh[i] ?? '');
        if (link) return link;
      }
      return undefined;
    },
    10_000,
    'sign-in link in the requester DM',
  );
}

async function ask(text: string): Promise<{ id: string; link: string }> {
  const before = dmTo(TENANT.alice).length;
  const id = requestIdIn(await command(TENANT.alice, text));
  expect(id).not.toBe('');
  const link = await newLinkForAlice(before);
  await waitFor(async () => (await state(id)) === 'awaiting_mfa', 5_000, 'awaiting_mfa');
  return { id, link };
}

const alice = (mfa: boolean) => ({ user: TENANT.alice.upn, mfa });
/** ARM's schedule requests as they came in: type, the caller's token, ARM's answer. */
const armRequests = () =>
  world.graph.calls
    .filter((c) => c.method === 'PUT' && c.path.includes('/roleAssignmentScheduleRequests/'))
    .map((c) => {
      const type = (c.body as { properties?: { requestType?: string } }).properties?.requestType;
      return `${type} ${c.caller} ${c.status}`;
    });
const azureActive = () =>
  world.graph.tenant.azure
    .activeAssignments()
    .map((a) => `${a.principalId} ${a.assignmentType} ${a.scope.split('/').pop()}`);
const ARM_SCOPE = () => `${world.graph.armBaseUrl}/user_impersonation`;
const BY_ALICE = `user:${TENANT.alice.id}`;

describe('Slack delegated mode', () => {
  let activeId = '';

  it("activates with the requester's own sign-in through selfActivate, asking for the delegated scope", async () => {
    const { id, link } = await ask('Exchange Administrator 1h fixing mail flow INC-4711');
    expect(granted(ROLES.exchange.id)).toBe(false);
    const started = await startSignIn(link, world.app.url);
    expect(started.status).toBe(302);
    const scope = new URL(started.authorize ?? '').searchParams.get('scope') ?? '';
    expect(scope.split(' ')).toContain(
      'https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory',
    );
    const done = await finishSignIn(started.authorize ?? '', world.app.url, alice(false));
    expect(done.status).toBe(200);
    expect(done.page).toContain('PIM activated your role');
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(granted(ROLES.exchange.id)).toBe(true);
    // Only a self-activation: the bot's app identity assigned nothing.
    expect(pimRequests(ROLES.exchange.id)).toEqual(['selfActivate:Granted']);
    activeId = id;
  });

  it('ends early only after a fresh sign-in, with selfDeactivate', async () => {
    expect(await command(TENANT.alice, `extend ${activeId} 30m`)).toContain(
      'does not extend delegated grants yet',
    );
    const reply = await command(TENANT.alice, `deactivate ${activeId}`);
    expect(reply).toContain('needs a fresh Entra sign-in');
    const link = signInLink(reply);
    expect(link).not.toBeNull();
    expect(await state(activeId)).toBe('active');
    expect(granted(ROLES.exchange.id)).toBe(true);
    const done = await signInThrough(link ?? '', world.app.url, alice(false));
    expect(done.page).toContain('PIM ended your grant');
    await waitFor(async () => (await state(activeId)) === 'ended', 10_000, 'ended');
    expect(granted(ROLES.exchange.id)).toBe(false);
    expect(pimRequests(ROLES.exchange.id)).toEqual([
      'selfActivate:Granted',
      'selfDeactivate:Revoked',
    ]);
  });

  it("reports PIM's MFA rule when the sign-in did not use MFA, and says what to do", async () => {
    const { id, link } = await ask('Global Administrator 1h rotating the break glass INC-4712');
    const before = dmTo(TENANT.alice).length;
    const done = await signInThrough(link, world.app.url, alice(false));
    expect(done.page).toContain('PIM did not activate the role');
    await waitFor(async () => (await state(id)) === 'failed', 10_000, 'failed');
    expect(granted(ROLES.global.id)).toBe(false);
    const told = await waitFor(
      () =>
        dmTo(TENANT.alice)
          .slice(before)
          .find((m) => m.includes('multi-factor')),
      10_000,
      'the refusal in the DM',
    );
    expect(told).toContain('choose MFA when you sign in');
  });

  it('activates with MFA where PIM asks for it', async () => {
    const { id, link } = await ask('Global Administrator 1h rotating the break glass INC-4713');
    await signInThrough(link, world.app.url, alice(true));
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(granted(ROLES.global.id)).toBe(true);
  });

  it('activates group membership with selfActivate and the PIM for Groups scope', async () => {
    const { id, link } = await ask('group Payments Oncall 1h payments failing INC-4715');
    const started = await startSignIn(link, world.app.url);
    const scope = new URL(started.authorize ?? '').searchParams.get('scope') ?? '';
    expect(scope.split(' ')).toContain(
      'https://graph.microsoft.com/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    );
    await finishSignIn(started.authorize ?? '', world.app.url, alice(true));
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(
      (world.graph.tenant.groupRequests() as { action: string; status: string }[]).map(
        (r) => `${r.action}:${r.status}`,
      ),
    ).toEqual(['selfActivate:Granted']);
    expect(world.graph.tenant.activeGroupAssignments().map((a) => a.principalId)).toEqual([
      TENANT.alice.id,
    ]);
  });

  it("waits for PIM's own approvers, who decide from chat with their own sign-in", async () => {
    const { id, link } = await ask('Helpdesk Administrator 1h resetting a password INC-4716');
    const before = dmTo(TENANT.alice).length;
    const bobBefore = dmTo(TENANT.bob).length;
    const done = await signInThrough(link, world.app.url, alice(true));
    expect(done.page).toContain('holds the activation');
    await waitFor(
      async () => ((await world.app.deps.store.get(id))?.pimApproval ? true : null),
      10_000,
      'held by PIM',
    );
    expect(await state(id)).toBe('activating');
    expect(granted(ROLES.helpdesk.id)).toBe(false);
    const told = await waitFor(
      () =>
        dmTo(TENANT.alice)
          .slice(before)
          .find((m) => m.includes('for its own approvers')),
      10_000,
      "the requester told PIM's approvers decide",
    );
    expect(told).toContain('Helpdesk Administrator');
    // PIM's approver (Bob, from the role's PIM settings) is asked in his own chat.
    const asked = await waitFor(
      () =>
        dmTo(TENANT.bob)
          .slice(bobBefore)
          .find((m) => m.includes('Approve in PIM')),
      10_000,
      "Bob asked for PIM's approval",
    );
    expect(asked).toContain('Deny in PIM');
    // While PIM holds it, the request is open: a second one for the role is refused at once.
    expect(
      await command(TENANT.alice, 'Helpdesk Administrator 1h resetting a password INC-4717'),
    ).toContain(id);
    // Bob's two links: approve, then deny. Alice cannot use one: the sign-in must be Bob's.
    const [approveLink = '', denyLink = ''] =
      asked.match(/https:\/\/elevate\.contoso\.example\/auth\/start\?t=[A-Za-z0-9_-]+/g) ?? [];
    expect((await signInThrough(denyLink, world.app.url, alice(true))).status).toBe(403);
    expect(await state(id)).toBe('activating');
    // Bob approves with his own sign-in: recorded in PIM with his token, and the role is active.
    const page = await signInThrough(approveLink, world.app.url, {
      user: TENANT.bob.upn,
      mfa: true,
    });
    expect(page.page).toContain('recorded in Entra PIM');
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(granted(ROLES.helpdesk.id)).toBe(true);
    expect(pimRequests(ROLES.helpdesk.id)).toEqual(['selfActivate:Provisioned']);
    await waitFor(
      () =>
        dmTo(TENANT.bob).some((m) => m.includes('Approved in Entra PIM by Bob Approver'))
          ? true
          : null,
      10_000,
      "Bob's message follows PIM",
    );
  });

  it('is approved in chat first, then the requester signs in', async () => {
    const before = dmTo(TENANT.alice).length;
    const id = requestIdIn(
      await command(TENANT.alice, 'Security Administrator 1h checking an alert INC-4714'),
    );
    await waitFor(async () => (await state(id)) === 'pending_approval', 5_000, 'pending');
    const card = await waitFor(
      () =>
        world.slack.messagesIn('C0APPROVALS').find((m) => JSON.stringify(m.blocks).includes(id)),
      5_000,
      'approval card',
    );
    const body = blockActionBody({
      userId: TENANT.bob.slack,
      teamId: world.slack.teamId,
      actionId: 'elevate_approve',
      value: id,
      channelId: 'C0APPROVALS',
      messageTs: card.ts,
      responseUrl: world.slack.responseUrl(),
      triggerId: world.slack.triggerId(),
    });
    const events = `${world.app.url}/slack/events`;
    expect((await postToBot(events, world.slack.signingSecret, body)).status).toBe(200);
    await waitFor(async () => (await state(id)) === 'awaiting_mfa', 10_000, 'awaiting sign-in');
    const link = await newLinkForAlice(before);
    await signInThrough(link, world.app.url, alice(false));
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(pimRequests(ROLES.security.id)).toEqual(['selfActivate:Granted']);
  });

  let azureId = '';

  it('activates an Azure role with her own ARM sign-in, refused by PIM without MFA', async () => {
    const refused = await ask('Reader on rg-app 1h checking the deploy INC-4720');
    const started = await startSignIn(refused.link, world.app.url);
    const scope = (new URL(started.authorize ?? '').searchParams.get('scope') ?? '').split(' ');
    expect(scope).toContain(ARM_SCOPE());
    expect(scope.filter((s) => s.startsWith('https://graph.microsoft.com/'))).toEqual([]);
    const before = dmTo(TENANT.alice).length;
    await finishSignIn(started.authorize ?? '', world.app.url, alice(false));
    await waitFor(async () => (await state(refused.id)) === 'failed', 10_000, 'failed');
    const told = await waitFor(
      () =>
        dmTo(TENANT.alice)
          .slice(before)
          .find((m) => m.includes('multi-factor')),
      10_000,
      'the refusal in the DM',
    );
    expect(told).toContain('choose MFA when you sign in');
    expect(azureActive()).toEqual([]);

    const { id, link } = await ask('Reader on rg-app 1h checking the deploy INC-4721');
    const done = await signInThrough(link, world.app.url, alice(true));
    expect(done.page).toContain('PIM activated your role');
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(azureActive()).toEqual([`${TENANT.alice.id} Activated rg-app`]);
    // Both attempts were ARM's SelfActivate with Alice's own token; the app assigned nothing.
    expect(armRequests()).toEqual([`SelfActivate ${BY_ALICE} 400`, `SelfActivate ${BY_ALICE} 201`]);
    azureId = id;
  });

  it('ends the Azure role early with a fresh sign-in and SelfDeactivate, once ARM allows it', async () => {
    const early = signInLink(await command(TENANT.alice, `deactivate ${azureId}`));
    const tooSoon = await signInThrough(early ?? '', world.app.url, alice(false));
    expect(tooSoon.page).toContain('within 5 minutes of its activation');
    expect(await state(azureId)).toBe('active');

    world.graph.tenant.azure.backdate(5 * 60_000);
    const link = signInLink(await command(TENANT.alice, `deactivate ${azureId}`));
    const done = await signInThrough(link ?? '', world.app.url, alice(false));
    expect(done.page).toContain('PIM ended your grant');
    await waitFor(async () => (await state(azureId)) === 'ended', 10_000, 'ended');
    expect(azureActive()).toEqual([]);
    expect(armRequests().slice(-2)).toEqual([
      `SelfDeactivate ${BY_ALICE} 400`,
      `SelfDeactivate ${BY_ALICE} 201`,
    ]);
  });

  it('activates a directory role and an Azure role from one sign-in, each with its own token', async () => {
    const { id, link } = await ask(
      'Exchange Administrator, Reader on rg-app 1h mail flow and the deploy INC-4722',
    );
    const started = await startSignIn(link, world.app.url);
    const scope = (new URL(started.authorize ?? '').searchParams.get('scope') ?? '').split(' ');
    expect(scope).toEqual(
      expect.arrayContaining([
        'https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory',
        ARM_SCOPE(),
      ]),
    );
    await finishSignIn(started.authorize ?? '', world.app.url, alice(true));
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(granted(ROLES.exchange.id)).toBe(true);
    expect(azureActive()).toEqual([`${TENANT.alice.id} Activated rg-app`]);
    expect(armRequests().at(-1)).toBe(`SelfActivate ${BY_ALICE} 201`);
    expect(pimRequests(ROLES.exchange.id).at(-1)).toBe('selfActivate:Granted');
  });

  it("is never done with the app's own token: PIM refuses it, and every self request carried the person's", async () => {
    const res = await selfActivateAsApp(world.graph, TENANT.alice.id, ROLES.exchange.id);
    expect(res.status).toBe(403);
    const selfRequests = world.graph.calls.filter(
      (c) =>
        c.method === 'POST' &&
        c.path.endsWith('/roleAssignmentScheduleRequests') &&
        /"action":"self/.test(JSON.stringify(c.body)),
    );
    expect(selfRequests.length).toBeGreaterThan(1);
    // The one refused above is the only self request made with the app's token.
    expect(selfRequests.filter((c) => c.caller === 'app')).toHaveLength(1);
    expect(selfRequests.filter((c) => c.caller === `user:${TENANT.alice.id}`).length).toBe(
      selfRequests.length - 1,
    );
  });

  it("holds an Azure role for PIM's own approver, who approves from chat with his own ARM sign-in", async () => {
    world.graph.tenant.azure.setPolicy(AZURE.contributor, {
      approval: true,
      approvers: [TENANT.bob.id],
    });
    const { id, link } = await ask('Contributor on rg-payments 1h deploying a hotfix INC-4730');
    const bobBefore = dmTo(TENANT.bob).length;
    await signInThrough(link, world.app.url, alice(true));
    const asked = await waitFor(
      () =>
        dmTo(TENANT.bob)
          .slice(bobBefore)
          .find((m) => m.includes('Approve in PIM')),
      10_000,
      "Bob asked for PIM's approval",
    );
    expect(asked).toContain('Contributor on rg-payments');
    expect(await state(id)).toBe('activating');
    expect(azureActive().filter((a) => a.endsWith('rg-payments'))).toEqual([]);
    const [approveLink = ''] =
      asked.match(/https:\/\/elevate\.contoso\.example\/auth\/start\?t=[A-Za-z0-9_-]+/g) ?? [];
    const started = await startSignIn(approveLink, world.app.url);
    const scope = new URL(started.authorize ?? '').searchParams.get('scope') ?? '';
    expect(scope).toContain('/user_impersonation');
    const page = await finishSignIn(started.authorize ?? '', world.app.url, {
      user: TENANT.bob.upn,
      mfa: true,
    });
    expect(page.page).toContain('recorded in Entra PIM');
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(azureActive()).toContain(`${TENANT.alice.id} Activated rg-payments`);
    // Bob's decision went to ARM with his own token.
    const decided = world.graph.calls.find(
      (c) => c.method === 'PUT' && c.path.includes('/roleAssignmentApprovals/'),
    );
    expect(decided?.caller).toBe(`user:${TENANT.bob.id}`);
  });
});
