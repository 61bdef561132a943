/**
 * Teams cards refresh for every approver, also one who never wrote to the bot: the card's
 * `refresh.userIds` come from the approvals channel's members (Bot Connector
 * GET /v3/conversations/{id}/members) matched to the policy's approvers, people and groups,
 * and such an approver opening the card (Teams' automatic `refresh` invoke) gets it as it is now.
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
import { refreshUserIds } from './surfaces/teams.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, startTenant, TENANT, testPolicy } from './world.ts';

const TENANT_ID = 'contoso-tenant';
const APPROVALS = '19:approvals@thread.tacv2';

let graph: GraphStandIn;
let channel: TeamsChannel;
let connector: BotConnectorStandIn;
let redis: FreshRedis;
let app: RunningApp;

type Person = (typeof TENANT)[keyof typeof TENANT];
const teamsId = (p: Person) => `29:${p.slack}`;
const user = (p: Person) => ({ id: teamsId(p), name: p.name, aadObjectId: p.id });

beforeAll(async () => {
  graph = await startTenant();
  channel = await startTeamsChannel();
  connector = channel.connector;
  redis = await freshRedis();
  // The team behind the approvals channel: Bob (approver by email), Carol (in the approver
  // group), Dave (neither) and Alice (the requester). Only Alice ever writes to the bot.
  for (const p of [TENANT.alice, TENANT.bob, TENANT.carol, TENANT.dave])
    connector.addMember(APPROVALS, { ...user(p), userPrincipalName: p.upn });
  const config = loadConfig({
    ...graphEnv(graph, redis.prefix),
    ...channel.env,
  });
  app = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
});
afterAll(async () => {
  await app?.close();
  await channel?.close();
  await graph?.close();
  await redis?.cleanup();
});

async function invoke(p: Person, verb: string, requestId: string): Promise<string> {
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

describe('Teams card refresh for every approver', () => {
  let id = '';
  const card = () =>
    connector.activitiesIn(APPROVALS).find((a) => JSON.stringify(a.activity).includes(id));

  it('lists approvers who never wrote to the bot, from the approvals channel members', async () => {
    const conversation = {
      id: 'a:1-alice',
      conversationType: 'personal' as const,
      tenantId: TENANT_ID,
    };
    const activity = messageActivity({
      text: 'exo 2h fixing mail flow INC-4711',
      from: user(TENANT.alice),
      conversation,
      serviceUrl: connector.serviceUrl,
    });
    expect((await channel.post(`${app.url}/api/messages`, activity)).status).toBe(200);
    const reply = await waitFor(
      () => connector.activitiesIn(conversation.id)[0],
      5_000,
      'the answer to the request',
    );
    id = /R[0-9A-Z]{7,}/.exec(JSON.stringify(reply.activity))?.[0] ?? '';
    const posted = await waitFor(card, 5_000, 'the approval card in the approvals channel');
    const ids = refreshUserIds(JSON.stringify(posted.activity));
    expect(ids).toEqual(expect.arrayContaining([teamsId(TENANT.bob), teamsId(TENANT.carol)]));
    expect(ids).not.toContain(teamsId(TENANT.dave));
    expect(ids).not.toContain(teamsId(TENANT.alice));
    const listed = connector.calls.filter(
      (c) => c.method === 'GET' && decodeURIComponent(c.path).includes(`${APPROVALS}/members`),
    );
    expect(listed.length).toBeGreaterThan(0);
  });

  it('gives an approver who never wrote the current card when Teams refreshes it', async () => {
    const approved = await invoke(TENANT.carol, 'approve', id);
    expect(approved).not.toContain('"verb":"approve"');
    await waitFor(
      () => graph.tenant.activeAssignments().some((a) => a.principalId === TENANT.alice.id),
      10_000,
      'the assignment in Entra',
    );
    const seen = await invoke(TENANT.bob, 'refresh', id);
    expect(seen).toContain('application/vnd.microsoft.card.adaptive');
    expect(seen).toContain('Approved by Carol Approver');
    expect(seen).not.toContain('"verb":"approve"');
    expect(refreshUserIds(seen)).toContain(teamsId(TENANT.bob));
  });

  it('lists the channel members once for many cards (kept for minutes)', async () => {
    const lists = () =>
      connector.calls.filter((c) => c.method === 'GET' && c.path.includes('/members')).length;
    const before = lists();
    await invoke(TENANT.bob, 'refresh', id);
    await invoke(TENANT.carol, 'refresh', id);
    expect(lists()).toBe(before);
  });
});
