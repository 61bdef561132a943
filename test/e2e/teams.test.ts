/**
 * Teams end to end: activities posted to the running bot at /api/messages, the real
 * botbuilder CloudAdapter talking to the Bot Connector stand-in, Graph to its stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import {
  type BotConnectorStandIn,
  invokeActivity,
  messageActivity,
  postActivity,
  startChannelIssuer,
} from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, ROLES, startTenant, TENANT, testPolicy } from './world.ts';

const TENANT_ID = 'contoso-tenant';
const APPROVALS = '19:approvals@thread.tacv2';
const SECURITY = '19:security@thread.tacv2';

let graph: GraphStandIn;
let teams: TeamsChannel;
let connector: BotConnectorStandIn;
let redis: FreshRedis;
let app: RunningApp;

beforeAll(async () => {
  graph = await startTenant();
  teams = await startTeamsChannel();
  connector = teams.connector;
  redis = await freshRedis();
  const config = loadConfig({ ...graphEnv(graph, redis.prefix), ...teams.env });
  app = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
});
afterAll(async () => {
  await app?.close();
  await teams?.close();
  await graph?.close();
  await redis?.cleanup();
});

type Person = (typeof TENANT)[keyof typeof TENANT];
const personal = (p: Person) => ({
  id: `a:1-${p.slack}`,
  conversationType: 'personal' as const,
  tenantId: TENANT_ID,
});
const user = (p: Person) => ({ id: `29:${p.slack}`, name: p.name, aadObjectId: p.id });
const messages = () => `${app.url}/api/messages`;

async function say(p: Person, text: string, channel = false) {
  const conversation = channel
    ? { id: '19:ops@thread.tacv2', conversationType: 'channel' as const, tenantId: TENANT_ID }
    : personal(p);
  const before = connector.activitiesIn(conversation.id).length;
  const activity = messageActivity({
    text,
    from: user(p),
    conversation,
    serviceUrl: connector.serviceUrl,
    ...(channel ? { mentionBot: { id: '28:elevate-bot', name: 'elevate' } } : {}),
  });
  expect((await teams.post(messages(), activity)).status).toBe(200);
  const reply = await waitFor(
    () => connector.activitiesIn(conversation.id)[before],
    5_000,
    `reply to "${text}"`,
  );
  return JSON.stringify(reply.activity);
}

async function act(p: Person, verb: string, data: Record<string, unknown>) {
  const activity = invokeActivity({
    verb,
    data,
    from: user(p),
    conversation: { id: APPROVALS, conversationType: 'channel', tenantId: TENANT_ID },
    serviceUrl: connector.serviceUrl,
  });
  const res = await teams.post(messages(), activity);
  expect(res.status).toBe(200);
  return JSON.stringify(res.body);
}

const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const cardFor = (id: string) =>
  connector.activitiesIn(APPROVALS).find((a) => JSON.stringify(a.activity).includes(id));

describe('Teams end to end', () => {
  it('requests in 1:1, approves from the card with Action.Execute, and grants through Graph', async () => {
    const reply = await say(TENANT.alice, '/elevate exo 2h fixing mail flow INC-4711');
    expect(reply).toContain('sent to the approvers');
    const id = requestIdIn(reply);
    const card = await waitFor(() => cardFor(id), 5_000, 'approval card in the approvals channel');
    expect(JSON.stringify(card.activity)).toContain('"verb":"approve"');

    const answer = await act(TENANT.bob, 'approve', { requestId: id });
    expect(answer).toContain('application/vnd.microsoft.card.adaptive');
    expect(answer).not.toContain('"verb":"approve"');
    await waitFor(
      () =>
        graph.tenant
          .activeAssignments()
          .some(
            (a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.exchange.id,
          ),
      10_000,
      'assignment',
    );
    await waitFor(
      () =>
        (cardFor(id)?.updates ?? 0) > 0 &&
        !JSON.stringify(cardFor(id)?.activity).includes('"verb":"approve"'),
      5_000,
      'card updated in place',
    );
    await waitFor(
      () => connector.activitiesIn(SECURITY).some((a) => JSON.stringify(a.activity).includes(id)),
      5_000,
      'security channel',
    );
    await waitFor(
      () =>
        connector
          .activitiesIn(personal(TENANT.alice).id)
          .some((a) => JSON.stringify(a.activity).includes('is active until')),
      5_000,
      'requester told',
    );
    // Ended, so the next case may ask for Exchange Administrator again.
    await say(TENANT.alice, `/elevate deactivate ${id}`);
    await waitFor(
      async () => (await app.deps.store.get(id))?.state === 'ended',
      10_000,
      'grant ended',
    );
  });

  it('handles the Action.Submit fallback like Action.Execute, replacing the clicked card', async () => {
    const id = requestIdIn(await say(TENANT.alice, 'exo 1h checking a connector INC-4790'));
    const card = await waitFor(() => cardFor(id), 5_000, 'approval card');
    const submit = (p: Person) => ({
      ...messageActivity({
        text: '',
        from: user(p),
        conversation: { id: APPROVALS, conversationType: 'channel', tenantId: TENANT_ID },
        serviceUrl: connector.serviceUrl,
      }),
      replyToId: card.id,
      value: { verb: 'approve', requestId: id },
    });
    // The requester's own click is refused as a message; the card stays as it was.
    const before = connector.activitiesIn(APPROVALS).length;
    expect((await teams.post(messages(), submit(TENANT.alice))).status).toBe(200);
    const refusal = await waitFor(
      () => connector.activitiesIn(APPROVALS)[before],
      5_000,
      'refusal message',
    );
    expect(JSON.stringify(refusal.activity)).toContain('cannot approve or deny your own request');
    expect(cardFor(id)?.updates).toBe(0);

    const dms = connector.activitiesIn(personal(TENANT.alice).id).length;
    expect((await teams.post(messages(), submit(TENANT.bob))).status).toBe(200);
    await waitFor(
      () =>
        (cardFor(id)?.updates ?? 0) > 0 &&
        !JSON.stringify(cardFor(id)?.activity).includes('"verb":"approve"'),
      5_000,
      'clicked card replaced',
    );
    // The approval went on to the grant, whose outcome the requester hears in the 1:1.
    await waitFor(
      () =>
        connector
          .activitiesIn(personal(TENANT.alice).id)
          .slice(dms)
          .some((a) => JSON.stringify(a.activity).includes('Exchange Administrator')),
      10_000,
      'requester told',
    );
  });

  it('denies with the reason typed on the card', async () => {
    const id = requestIdIn(
      await say(TENANT.alice, 'Global Administrator 30m checking sign-in logs INC-4720'),
    );
    await waitFor(() => cardFor(id), 5_000, 'card');
    expect(await act(TENANT.bob, 'deny', { requestId: id, denyReason: '' })).toContain(
      'Say why you deny it',
    );
    const denied = await act(TENANT.bob, 'deny', {
      requestId: id,
      denyReason: 'not during the freeze',
    });
    expect(denied).toContain('Denied by Bob Approver: not during the freeze');
  });

  it('refuses self-approval and non-approvers, and a duplicate invoke changes nothing', async () => {
    const id = requestIdIn(
      await say(TENANT.alice, 'Global Administrator 30m rotating keys INC-4721', true),
    );
    await waitFor(() => cardFor(id), 5_000, 'card');
    expect(await act(TENANT.alice, 'approve', { requestId: id })).toContain(
      'cannot approve or deny your own request',
    );
    expect(await act(TENANT.dave, 'approve', { requestId: id })).toContain('not an approver');
    const [first, second] = await Promise.all([
      act(TENANT.bob, 'approve', { requestId: id }),
      act(TENANT.bob, 'approve', { requestId: id }),
    ]);
    expect([first, second].filter((b) => b.includes('already approved'))).toHaveLength(1);
    const stored = await app.deps.store.get(id);
    expect(stored?.approvals).toHaveLength(1);
    expect(stored?.state).toBe('pending_approval');
  });

  it('answers unknown commands with help on what to type', async () => {
    expect(await say(TENANT.alice, 'frobnicate everything now')).toContain(
      'There is no role called',
    );
    expect(await say(TENANT.alice, 'help')).toContain('How to use elevate');
  });

  it('the command menu’s `request` entry, sent alone, answers with the request form', async () => {
    const form = await say(TENANT.alice, 'request');
    expect(form).toContain('Request access');
    expect(form).toContain('"verb":"request"');
    expect(form).toContain('Exchange Administrator');
  });
});

describe('Teams authentication', () => {
  it('accepts a token from the channel issuer and refuses a forged or missing one', async () => {
    const issuer = await startChannelIssuer();
    const prefix = await freshRedis();
    const appId = '00000000-0000-4000-8000-00000000b0a7';
    const config = loadConfig({
      ...graphEnv(graph, prefix.prefix),
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: 'secret',
      MICROSOFT_APP_TYPE: 'MultiTenant',
      BOT_OPENID_METADATA: issuer.openIdMetadataUrl,
      TEAMS_SERVICE_URL: connector.serviceUrl,
    });
    const secured = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
    try {
      const activity = invokeActivity({
        verb: 'refresh',
        data: { requestId: 'R0000000' },
        from: user(TENANT.bob),
        conversation: personal(TENANT.bob),
        serviceUrl: connector.serviceUrl,
      });
      const url = `${secured.url}/api/messages`;
      const good = await issuer.sign({ appId, serviceUrl: connector.serviceUrl });
      expect((await postActivity(url, activity, good)).status).toBe(200);
      expect((await postActivity(url, activity)).status).toBe(401);
      expect(
        (
          await postActivity(
            url,
            activity,
            await issuer.signWithForeignKey({ appId, serviceUrl: connector.serviceUrl }),
          )
        ).status,
      ).toBe(401);
      expect(
        (
          await postActivity(
            url,
            activity,
            await issuer.sign({ appId: 'someone-else', serviceUrl: connector.serviceUrl }),
          )
        ).status,
      ).toBe(401);
    } finally {
      await secured.close();
      await issuer.close();
      await prefix.cleanup();
    }
  });
});
