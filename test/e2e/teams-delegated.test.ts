/**
 * Delegated mode from Teams, end to end: activities into the running bot through the real
 * CloudAdapter, the Bot Connector and Entra stand-ins out. The requester's own sign-in, from
 * the link in the personal chat, activates through PIM's selfActivate; PIM's MFA rule applies
 * to that sign-in; ending early takes a fresh sign-in and selfDeactivate. An Azure role the
 * same through ARM's SelfActivate and SelfDeactivate, with her own ARM token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { reconcile } from '../../bot/core/usecases/reconcile.ts';
import { createLogger } from '../../bot/log.ts';
import { userToken } from '../adapters/graph/user-token.ts';
import {
  type BotConnectorStandIn,
  invokeActivity,
  messageActivity,
} from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { selfActivateAsApp, signInLink, signInThrough } from './sign-in.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import {
  APPROVER_GROUP,
  AZURE,
  graphEnv,
  ROLES,
  SUBSCRIPTION_SCOPE,
  startTenant,
  TENANT,
  testPolicy,
} from './world.ts';

const TENANT_ID = 'contoso-tenant';
const APPROVALS = '19:approvals@thread.tacv2';

const POLICY = `
defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com, "group:${APPROVER_GROUP}"], quorum: 1, timeout: 1h }
  justification: { required: true, minLength: 10 }
roles:
  Exchange Administrator: { mode: delegated, approval: { required: false } }
  Global Administrator: { mode: delegated, approval: { required: false } }
  Security Administrator: { mode: delegated }
  Helpdesk Administrator: { mode: delegated, approval: { required: false } }
azureRoles:
  Reader: { mode: delegated, approval: { required: false } }
azure:
  scopes: [${SUBSCRIPTION_SCOPE}]
channels:
  security: { teams: "19:security@thread.tacv2" }
  approvals: { teams: "${APPROVALS}" }
`;

let graph: GraphStandIn;
let channel: TeamsChannel;
let connector: BotConnectorStandIn;
let redis: FreshRedis;
let app: RunningApp;

beforeAll(async () => {
  graph = await startTenant();
  channel = await startTeamsChannel();
  connector = channel.connector;
  redis = await freshRedis();
  const config = loadConfig({
    ...graphEnv(graph, redis.prefix),
    ...channel.env,
  });
  app = await startApp({ config, policy: testPolicy(POLICY), log: createLogger('silent') });
  // PIM's own rule for Global Administrator: MFA at activation.
  graph.tenant.setPolicy(ROLES.global.id, { mfa: true });
  // PIM's own approval for Helpdesk Administrator, by Bob.
  graph.tenant.setPolicy(ROLES.helpdesk.id, { approval: true, approvers: [TENANT.bob.id] });
  // PIM's own rule for Reader (an Azure role): MFA at activation.
  graph.tenant.azure.setPolicy(AZURE.reader, { mfa: true });
});
afterAll(async () => {
  await app?.close();
  await channel?.close();
  await graph?.close();
  await redis?.cleanup();
});

type Person = (typeof TENANT)[keyof typeof TENANT];
const personal = (p: Person) => `a:1-${p.slack}`;
const user = (p: Person) => ({ id: `29:${p.slack}`, name: p.name, aadObjectId: p.id });
const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
/** The personal chat as JSON, without Teams' Markdown escapes (`sign\\-in`). */
const chatOf = (p: Person) =>
  connector
    .activitiesIn(personal(p))
    .map((a) => JSON.stringify(a.activity).replace(/\\\\(.)/g, '$1'));
const state = async (id: string) => (await app.deps.store.get(id))?.state;
const granted = (roleId: string) =>
  graph.tenant
    .activeAssignments()
    .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === roleId);
const alice = (mfa: boolean) => ({ user: TENANT.alice.upn, mfa });
const pimRequests = (roleId: string) =>
  (graph.tenant.requests() as { action: string; status: string; roleDefinitionId: string }[])
    .filter((r) => r.roleDefinitionId === roleId)
    .map((r) => `${r.action}:${r.status}`);
/** ARM's schedule requests as they came in: type, the caller's token, ARM's answer. */
const armRequests = () =>
  graph.calls
    .filter((c) => c.method === 'PUT' && c.path.includes('/roleAssignmentScheduleRequests/'))
    .map((c) => {
      const type = (c.body as { properties?: { requestType?: string } }).properties?.requestType;
      return `${type} ${c.caller} ${c.status}`;
    });
const azureActive = () =>
  graph.tenant.azure
    .activeAssignments()
    .map((a) => `${a.principalId} ${a.assignmentType} ${a.scope.split('/').pop()}`);
const BY_ALICE = `user:${TENANT.alice.id}`;

async function say(p: Person, text: string): Promise<string> {
  const conversation = {
    id: personal(p),
    conversationType: 'personal' as const,
    tenantId: TENANT_ID,
  };
  const before = connector.activitiesIn(conversation.id).length;
  const activity = messageActivity({
    text,
    from: user(p),
    conversation,
    serviceUrl: connector.serviceUrl,
  });
  expect((await channel.post(`${app.url}/api/messages`, activity)).status).toBe(200);
  const reply = await waitFor(
    () => connector.activitiesIn(conversation.id)[before],
    5_000,
    `reply to "${text}"`,
  );
  return JSON.stringify(reply.activity);
}

async function act(p: Person, verb: string, requestId: string): Promise<string> {
  const activity = invokeActivity({
    verb,
    data: { requestId },
    from: user(p),
    conversation: { id: APPROVALS, conversationType: 'channel', tenantId: TENANT_ID },
    serviceUrl: connector.serviceUrl,
  });
  const res = await channel.post(`${app.url}/api/messages`, activity);
  expect(res.status).toBe(200);
  return JSON.stringify(res.body);
}

async function newLinkFor(p: Person, before: number): Promise<string> {
  return waitFor(
    () => {
      const fresh = chatOf(p).slice(before);
      for (let i = fresh.length - 1; i >= 0; i--) {
        const link = signInLink(fresh[i] ?? '');
        if (link) return link;
      }
      return undefined;
    },
    10_000,
    'sign-in link in the personal chat',
  );
}

async function ask(text: string): Promise<{ id: string; link: string }> {
  const before = chatOf(TENANT.alice).length;
  const id = requestIdIn(await say(TENANT.alice, text));
  expect(id).not.toBe('');
  const link = await newLinkFor(TENANT.alice, before);
  await waitFor(async () => (await state(id)) === 'awaiting_mfa', 5_000, 'awaiting_mfa');
  return { id, link };
}

describe('Teams delegated mode', () => {
  let activeId = '';

  it("activates with the requester's own sign-in through selfActivate", async () => {
    const { id, link } = await ask('Exchange Administrator 1h fixing mail flow INC-4711');
    expect(granted(ROLES.exchange.id)).toBe(false);
    const done = await signInThrough(link, app.url, alice(false));
    expect(done.page).toContain('PIM activated your role');
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(pimRequests(ROLES.exchange.id)).toEqual(['selfActivate:Granted']);
    activeId = id;
  });

  it('ends early only after a fresh sign-in, with selfDeactivate', async () => {
    const before = chatOf(TENANT.alice).length;
    await say(TENANT.alice, `deactivate ${activeId}`);
    const reply = chatOf(TENANT.alice).slice(before).join('\n');
    expect(reply).toContain('needs a fresh Entra sign-in');
    const link = signInLink(reply);
    expect(link).not.toBeNull();
    expect(await state(activeId)).toBe('active');
    await signInThrough(link ?? '', app.url, alice(false));
    await waitFor(async () => (await state(activeId)) === 'ended', 10_000, 'ended');
    expect(granted(ROLES.exchange.id)).toBe(false);
    expect(pimRequests(ROLES.exchange.id)).toEqual([
      'selfActivate:Granted',
      'selfDeactivate:Revoked',
    ]);
  });

  it("reports PIM's MFA rule when the sign-in did not use MFA, and says what to do", async () => {
    const { id, link } = await ask('Global Administrator 1h rotating the break glass INC-4712');
    const before = chatOf(TENANT.alice).length;
    await signInThrough(link, app.url, alice(false));
    await waitFor(async () => (await state(id)) === 'failed', 10_000, 'failed');
    expect(granted(ROLES.global.id)).toBe(false);

    const told = await waitFor(
      () =>
        chatOf(TENANT.alice)
          .slice(before)
          .find((m) => m.includes('multi-factor')),
      10_000,
      'the refusal in the personal chat',
    );
    expect(told).toContain('choose MFA when you sign in');
  });

  it('is approved on the card first, then the requester signs in', async () => {
    const before = chatOf(TENANT.alice).length;
    const id = requestIdIn(
      await say(TENANT.alice, 'Security Administrator 1h checking an alert INC-4714'),
    );
    await waitFor(async () => (await state(id)) === 'pending_approval', 5_000, 'pending');
    await act(TENANT.bob, 'approve', id);
    await waitFor(async () => (await state(id)) === 'awaiting_mfa', 10_000, 'awaiting sign-in');
    const link = await newLinkFor(TENANT.alice, before);
    await signInThrough(link, app.url, alice(true));
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(pimRequests(ROLES.security.id)).toEqual(['selfActivate:Granted']);
  });

  it("asks PIM's own approver in his chat; his denial with his own sign-in is recorded in PIM", async () => {
    // The bot reaches Bob's 1:1 chat once he has written to it.
    await say(TENANT.bob, 'help');
    const { id, link } = await ask('Helpdesk Administrator 1h resetting a password INC-4720');
    const bobBefore = chatOf(TENANT.bob).length;
    const aliceBefore = chatOf(TENANT.alice).length;
    const done = await signInThrough(link, app.url, alice(true));
    expect(done.page).toContain('holds the activation');
    const asked = await waitFor(
      () =>
        chatOf(TENANT.bob)
          .slice(bobBefore)
          .find((m) => m.includes('Deny in PIM')),
      10_000,
      "Bob asked for PIM's approval",
    );
    expect(asked).toContain('Entra PIM requires its approvers to decide');
    expect(await state(id)).toBe('activating');
    const [, denyLink = ''] =
      asked.match(/https:\/\/elevate\.contoso\.example\/auth\/start\?t=[A-Za-z0-9_-]+/g) ?? [];
    // A decision on a privileged role is made with MFA, as an approver's step-up is.
    const page = await signInThrough(denyLink, app.url, { user: TENANT.bob.upn, mfa: true });
    expect(page.page).toContain('Your denial');
    await waitFor(async () => (await state(id)) === 'failed', 10_000, 'failed');
    expect(granted(ROLES.helpdesk.id)).toBe(false);
    expect(pimRequests(ROLES.helpdesk.id)).toEqual(['selfActivate:Denied']);
    const told = await waitFor(
      () =>
        chatOf(TENANT.alice)
          .slice(aliceBefore)
          .find((m) => m.includes('denied the activation')),
      10_000,
      'the requester told',
    );
    expect(told).toContain('Bob Approver denied the activation of `Helpdesk Administrator`');
  });

  it('activates an Azure role with her own ARM sign-in, refused by PIM without MFA, and ends it with a fresh one', async () => {
    const refused = await ask('Reader on rg-app 1h checking the deploy INC-4720');
    const before = chatOf(TENANT.alice).length;
    await signInThrough(refused.link, app.url, alice(false));
    await waitFor(async () => (await state(refused.id)) === 'failed', 10_000, 'failed');
    const told = await waitFor(
      () =>
        chatOf(TENANT.alice)
          .slice(before)
          .find((m) => m.includes('multi-factor')),
      10_000,
      'the refusal in the personal chat',
    );
    expect(told).toContain('choose MFA when you sign in');

    const { id, link } = await ask('Reader on rg-app 1h checking the deploy INC-4721');
    await signInThrough(link, app.url, alice(true));
    await waitFor(async () => (await state(id)) === 'active', 10_000, 'active');
    expect(azureActive()).toEqual([`${TENANT.alice.id} Activated rg-app`]);

    graph.tenant.azure.backdate(5 * 60_000);
    const asked = chatOf(TENANT.alice).length;
    await say(TENANT.alice, `deactivate ${id}`);
    const endLink = signInLink(chatOf(TENANT.alice).slice(asked).join('\n'));
    expect(endLink).not.toBeNull();
    expect(await state(id)).toBe('active');
    await signInThrough(endLink ?? '', app.url, alice(false));
    await waitFor(async () => (await state(id)) === 'ended', 10_000, 'ended');
    expect(azureActive()).toEqual([]);
    expect(armRequests()).toEqual([
      `SelfActivate ${BY_ALICE} 400`,
      `SelfActivate ${BY_ALICE} 201`,
      `SelfDeactivate ${BY_ALICE} 201`,
    ]);
  });

  it("is never done with the app's own token: PIM refuses it", async () => {
    const res = await selfActivateAsApp(graph, TENANT.alice.id, ROLES.exchange.id);
    expect(res.status).toBe(403);
    const self = graph.calls.filter(
      (c) =>
        c.method === 'POST' &&
        c.path.endsWith('/roleAssignmentScheduleRequests') &&
        /"action":"self/.test(JSON.stringify(c.body)),
    );
    expect(self.filter((c) => c.caller === 'app')).toHaveLength(1);
  });

  it("follows an approval made in the Entra portal: reconcile reads PIM's state", async () => {
    const { id, link } = await ask('Helpdesk Administrator 1h resetting a password INC-4722');
    await signInThrough(link, app.url, alice(true));
    await waitFor(
      async () => ((await app.deps.store.get(id))?.pimApproval ? true : null),
      10_000,
      'held by PIM',
    );
    const approvalId = (await app.deps.store.get(id))?.pimApproval?.approvalId ?? '';
    // Bob approves in the portal, with his own token, not from the chat.
    const token = await userToken(graph, TENANT.bob.upn, true);
    const url = `${graph.graphBaseUrl}/v1.0/roleManagement/directory/roleAssignmentApprovals/${approvalId}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const approval = (await (await fetch(url, { headers })).json()) as { steps: { id: string }[] };
    const decided = await fetch(`${url}/steps/${approval.steps[0]?.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ reviewResult: 'Approve', justification: 'approved in the portal' }),
    });
    expect(decided.status).toBe(204);
    expect(await state(id)).toBe('activating');
    await reconcile(app.deps);
    expect(await state(id)).toBe('active');
    expect(granted(ROLES.helpdesk.id)).toBe(true);
    const told = await waitFor(
      () => chatOf(TENANT.alice).find((m) => m.includes(id) && m.includes('is active')),
      10_000,
      'the requester told it is active',
    );
    expect(told).toContain('Helpdesk Administrator');
  });
});
