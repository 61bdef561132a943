/**
 * `/elevate whocan` on Teams end to end: the answer is an Adaptive Card in the asker's chat,
 * through the real CloudAdapter and Bot Connector stand-in; an outsider is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { messageActivity } from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, startTenant, TENANT, testPolicy } from './world.ts';

let graph: GraphStandIn;
let teams: TeamsChannel;
let redis: FreshRedis;
let app: RunningApp;

beforeAll(async () => {
  graph = await startTenant();
  teams = await startTeamsChannel();
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

/** The card the bot answers with in the person's chat. */
async function ask(p: Person, text: string): Promise<unknown> {
  const conversation = {
    id: `a:1-${p.slack}`,
    conversationType: 'personal' as const,
    tenantId: 'contoso-tenant',
  };
  const before = teams.connector.activitiesIn(conversation.id).length;
  const activity = messageActivity({
    text,
    from: { id: `29:${p.slack}`, name: p.name, aadObjectId: p.id },
    conversation,
    serviceUrl: teams.connector.serviceUrl,
  });
  expect((await teams.post(`${app.url}/api/messages`, activity)).status).toBe(200);
  const reply = await waitFor(
    () => teams.connector.activitiesIn(conversation.id)[before],
    5_000,
    `reply to "${text}"`,
  );
  const [attachment] =
    (reply.activity as { attachments?: { content: unknown }[] }).attachments ?? [];
  return attachment?.content;
}

/** Every TextBlock text and fact of a card, markdown escapes taken out. */
const textOf = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(textOf);
  if (typeof node !== 'object' || node === null) return [];
  const o = node as Record<string, unknown>;
  const own =
    o.type === 'TextBlock'
      ? [String(o.text)]
      : typeof o.title === 'string' && typeof o.value === 'string'
        ? [`${o.title}: ${o.value}`]
        : [];
  return [...own, ...Object.values(o).flatMap(textOf)].map((t) => t.replace(/\\(.)/g, '$1'));
};

describe('whocan on Teams', () => {
  it('answers an auditor with a card: eligible people, approvers, rules and their source', async () => {
    const card = await ask(TENANT.carol, '/elevate whocan Global Administrator');
    const lines = textOf(card);
    expect(lines).toContain('Who can activate Global Administrator');
    expect(lines).toContain('Alice Admin (alice@contoso.com), permanent');
    expect(lines).toContain('Max duration: 1h (policy.yaml)');
    expect(lines).toContain('Approval: 2 of the approvers (policy.yaml; quorum from policy.yaml)');
    expect(lines).toContain('Eligible in Entra PIM (1)');
  });

  it('answers for a PIM group and an Azure role too', async () => {
    const group = textOf(await ask(TENANT.carol, 'whocan group Payments Oncall'));
    expect(group).toContain('Who can activate PIM group Payments Oncall (member)');
    expect(group).toContain('Alice Admin (alice@contoso.com), permanent');
    const azure = textOf(await ask(TENANT.carol, 'whocan Reader on rg-app'));
    expect(azure).toContain('Who can activate Reader on rg-app (Azure)');
    expect(azure.join(' ')).toContain('Alice Admin (alice@contoso.com)');
  });

  it('refuses someone who is neither approver nor auditor', async () => {
    const lines = textOf(await ask(TENANT.dave, 'whocan Global Administrator'));
    expect(lines.join(' ')).toContain('is for approvers and auditors');
    expect(lines.join(' ')).not.toContain('Alice Admin');
  });
});
