/**
 * MFA step-up from Teams, end to end: activities into the running bot through the real
 * CloudAdapter, the Bot Connector and Entra stand-ins out. The requester gets the sign-in
 * link in the personal chat; an approver under `approval.stepUp` gets it on the refreshed
 * card that answers the click, only for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import {
  type BotConnectorStandIn,
  invokeActivity,
  messageActivity,
} from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { signInLink, signInThrough } from './sign-in.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { APPROVER_GROUP, graphEnv, ROLES, startTenant, TENANT, testPolicy } from './world.ts';

const TENANT_ID = 'contoso-tenant';
const APPROVALS = '19:approvals@thread.tacv2';

const POLICY = `
defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com, "group:${APPROVER_GROUP}"], quorum: 1, timeout: 1h }
  justification: { required: true, minLength: 10 }
roles:
  Security Administrator: { approval: { required: false }, mfa: { required: true } }
  Global Administrator: { approval: { required: false }, mfa: { required: true, timeout: 3s } }
  Helpdesk Administrator: { approval: { stepUp: 15m } }
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
const chatOf = (p: Person) =>
  connector.activitiesIn(personal(p)).map((a) => JSON.stringify(a.activity));
const state = async (id: string) => (await app.deps.store.get(id))?.state;
const granted = (roleId: string) =>
  graph.tenant
    .activeAssignments()
    .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === roleId);
const alice = { user: TENANT.alice.upn, mfa: true };

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

async function ask(text: string) {
  const before = chatOf(TENANT.alice).length;
  const id = requestIdIn(await say(TENANT.alice, text));
  expect(id).not.toBe('');
  const link = await newLinkFor(TENANT.alice, before);
  await waitFor(async () => (await state(id)) === 'awaiting_mfa', 5_000, 'awaiting_mfa');
  return { id, link };
}

describe('Teams requester MFA step-up', () => {
  it('sends the link to the personal chat and grants after the MFA sign-in, once', async () => {
    const { id, link } = await ask('/elevate Security Administrator 1h checking an alert INC-77');
    const message = chatOf(TENANT.alice).find((a) => a.includes(link)) ?? '';
    expect(message).toContain('Action.OpenUrl');
    expect(message).toContain('Sign in with MFA');
    expect(granted(ROLES.security.id)).toBe(false);

    const done = await signInThrough(link, app.url, alice);
    expect(done.status).toBe(200);
    await waitFor(() => granted(ROLES.security.id), 10_000, 'assignment');
    await waitFor(async () => (await state(id)) === 'active', 5_000, 'active');
    // Heard in the personal chat (and settled, so the next reply is the next request's).
    await waitFor(
      () => chatOf(TENANT.alice).some((a) => a.includes(id) && a.includes('is active until')),
      5_000,
      'requester told',
    );

    const replay = await signInThrough(link, app.url, alice);
    expect(replay.status).toBe(410);
    // Ended, so the next cases may ask for Security Administrator again.
    await say(TENANT.alice, `/elevate deactivate ${id}`);
    await waitFor(async () => (await state(id)) === 'ended', 10_000, 'grant ended');
  });

  it('refuses a sign-in without MFA and another person on the link; grants nothing', async () => {
    const { id, link } = await ask('/elevate Security Administrator 1h second look at it');
    const before = chatOf(TENANT.alice).length;
    const noMfa = await signInThrough(link, app.url, { ...alice, mfa: false });
    expect(noMfa.status).toBe(403);
    expect(noMfa.page).toContain('did not use multi-factor authentication');
    const fresh = await newLinkFor(TENANT.alice, before);
    const dave = await signInThrough(fresh, app.url, { user: TENANT.dave.upn, mfa: true });
    expect(dave.status).toBe(403);
    expect(dave.page).toContain('This link was made for Alice Admin');
    expect(await state(id)).toBe('awaiting_mfa');
    await say(TENANT.alice, `/elevate cancel ${id}`);
  });

  it('sends a new link on "New link", to the requester only', async () => {
    const { id, link } = await ask('/elevate Security Administrator 1h third look at it');
    expect(await act(TENANT.dave, 'signInAgain', id)).toContain('Only the person who asked');
    const before = chatOf(TENANT.alice).length;
    expect(await act(TENANT.alice, 'signInAgain', id)).toContain('is on its way to this chat');
    const fresh = await newLinkFor(TENANT.alice, before);
    expect(fresh).not.toBe(link);
    await say(TENANT.alice, `/elevate cancel ${id}`);
  });

  it('fails the request at mfa.timeout and tells the requester', async () => {
    const { id } = await ask('/elevate Global Administrator 30m break glass check');
    await waitFor(async () => (await state(id)) === 'failed', 10_000, 'failed at the timeout');
    await waitFor(
      () =>
        chatOf(TENANT.alice).some((a) => a.includes(id) && a.includes('Nobody signed in with MFA')),
      5_000,
      'requester told',
    );
    expect(granted(ROLES.global.id)).toBe(false);
  });
});

describe('Teams approver step-up', () => {
  it('answers Approve with a sign-in card for the clicker; records the approval after MFA', async () => {
    const id = requestIdIn(
      await say(TENANT.alice, '/elevate Helpdesk Administrator 1h reset a user'),
    );
    await waitFor(
      () => connector.activitiesIn(APPROVALS).some((a) => JSON.stringify(a.activity).includes(id)),
      5_000,
      'approval card',
    );
    const answer = await act(TENANT.bob, 'approve', id);

    expect(answer).toContain('Sign in with MFA to approve');
    expect(answer).toContain('Action.OpenUrl');
    expect(await state(id)).toBe('pending_approval');

    const refused = await signInThrough(signInLink(answer) ?? '', app.url, {
      user: TENANT.bob.upn,
      mfa: false,
    });
    expect(refused.status).toBe(403);
    expect(await state(id)).toBe('pending_approval');

    const again = signInLink(await act(TENANT.bob, 'approve', id)) ?? '';
    const done = await signInThrough(again, app.url, { user: TENANT.bob.upn, mfa: true });
    expect(done.status).toBe(200);
    await waitFor(() => granted(ROLES.helpdesk.id), 10_000, 'assignment');
    expect((await app.deps.store.get(id))?.approvals.map((a) => a.by.id)).toEqual([TENANT.bob.id]);
  });
});
