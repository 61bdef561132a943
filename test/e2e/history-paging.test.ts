/**
 * History paging end to end, on Slack and Teams against one running bot: the reply carries
 * Next, clicking it (a signed block action / an Action.Execute invoke) shows page 2 with other
 * rows, Previous brings page 1 back, and a forged state asking for everyone's history, clicked
 * by someone who is neither approver nor auditor, is refused and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHistoryState } from '../../adapters/chat/history-state.ts';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import {
  type BotConnectorStandIn,
  invokeActivity,
  messageActivity,
} from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import {
  blockActionBody,
  postToBot,
  type SlackStandIn,
  slashCommandBody,
  startSlackStandIn,
} from '../standins/slack/index.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, startTenant, TENANT, testPolicy } from './world.ts';

type Person = (typeof TENANT)[keyof typeof TENANT];
const TENANT_ID = 'contoso-tenant';
const SEEDED = 45;

let graph: GraphStandIn;
let slack: SlackStandIn;
let connector: BotConnectorStandIn;
let teams: TeamsChannel;
let redis: FreshRedis;
let app: RunningApp;
/** Alice's seeded requests, newest first. */
const seeded: string[] = [];

beforeAll(async () => {
  graph = await startTenant();
  slack = await startSlackStandIn();
  teams = await startTeamsChannel();
  connector = teams.connector;
  redis = await freshRedis();
  for (const p of Object.values(TENANT)) {
    slack.addUser({
      id: p.slack,
      name: p.upn.split('@')[0] ?? p.slack,
      realName: p.name,
      email: p.upn,
      tz: 'Europe/Amsterdam',
    });
  }
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ...teams.env,
    ...graphEnv(graph, redis.prefix),
  });
  app = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
  // Finished requests straight into the store: history reads them, and no job acts on them.
  const alice = { id: TENANT.alice.id, displayName: TENANT.alice.name, email: TENANT.alice.upn };
  const start = Date.now() - 30 * 86_400_000;
  for (let i = 0; i < SEEDED; i++) {
    const at = start + i * 60_000;
    const r = makeRequest({
      requester: alice,
      state: 'canceled',
      canceledBy: alice,
      createdAt: at,
      updatedAt: at,
      reason: `seeded maintenance number ${i}`,
    });
    const stored = await app.deps.store.create(r, makeEvent(r, 'request.canceled'));
    if (!stored.ok) throw new Error(stored.error);
    seeded.unshift(r.id);
  }
});
afterAll(async () => {
  await app?.close();
  await teams?.close();
  await slack?.close();
  await graph?.close();
  await redis?.cleanup();
});

const rowsIn = (json: string) => json.match(/RFIX\d{6}/g) ?? [];
const refusedBy = async (who: Person) =>
  (await app.deps.audit.list({ limit: 500 })).filter(
    (e) => e.action === 'history.refused' && e.actor?.id === who.id,
  ).length;
/** Dave's forgery: someone else's Next button, rewritten to ask for everyone's page 2. */
const forgedAll = () =>
  encodeHistoryState({
    subject: { kind: 'all' },
    roleId: null,
    since: null,
    page: 2,
    cursors: [`${Date.now()}:RFIX999999`],
  });

describe('history paging on Slack', () => {
  const events = () => `${app.url}/slack/events`;

  async function reply(responseUrl: string, what: string) {
    const found = await waitFor(
      () => slack.responses.find((r) => r.url === responseUrl),
      10_000,
      what,
    );
    return found.body as { replace_original?: boolean; text: string; blocks: unknown[] };
  }

  async function command(who: Person, text: string) {
    const responseUrl = slack.responseUrl();
    const body = slashCommandBody({
      text,
      userId: who.slack,
      channelId: 'C0OPS',
      responseUrl,
      triggerId: slack.triggerId(),
      teamId: slack.teamId,
    });
    expect((await postToBot(events(), slack.signingSecret, body)).status).toBe(200);
    return reply(responseUrl, `reply to "${text}"`);
  }

  async function click(who: Person, actionId: string, value: string) {
    const responseUrl = slack.responseUrl();
    const body = blockActionBody({
      userId: who.slack,
      teamId: slack.teamId,
      actionId,
      value,
      channelId: 'C0OPS',
      messageTs: '1.1',
      responseUrl,
      triggerId: slack.triggerId(),
    });
    expect((await postToBot(events(), slack.signingSecret, body)).status).toBe(200);
    return reply(responseUrl, `answer to ${actionId}`);
  }

  /** The rows shown, leaving out the cursors the buttons carry. */
  const shown = (message: { blocks: unknown[] }) =>
    rowsIn(
      JSON.stringify(message.blocks.filter((b) => (b as { type: string }).type === 'section')),
    );

  const button = (message: { blocks: unknown[] }, actionId: string) => {
    const elements = message.blocks.flatMap((b) =>
      (b as { type: string }).type === 'actions'
        ? (b as { elements: { action_id: string; value: string }[] }).elements
        : [],
    );
    return elements.find((e) => e.action_id === actionId)?.value ?? null;
  };

  it('Next shows page 2 with the next rows, Previous brings page 1 back', async () => {
    const one = await command(TENANT.alice, 'history');
    expect(shown(one)).toEqual(seeded.slice(0, 20));
    expect(JSON.stringify(one.blocks)).toContain('Page 1');
    expect(button(one, 'elevate_history_prev')).toBeNull();
    const next = button(one, 'elevate_history_next');
    expect(next?.length).toBeLessThanOrEqual(2000);

    const two = await click(TENANT.alice, 'elevate_history_next', next ?? '');
    expect(two.replace_original).toBe(true);
    expect(JSON.stringify(two.blocks)).toContain('Page 2');
    expect(shown(two)).toEqual(seeded.slice(20, 40));

    const three = await click(
      TENANT.alice,
      'elevate_history_next',
      button(two, 'elevate_history_next') ?? '',
    );
    expect(shown(three)).toEqual(seeded.slice(40));
    expect(button(three, 'elevate_history_next')).toBeNull();

    const back = await click(
      TENANT.alice,
      'elevate_history_prev',
      button(two, 'elevate_history_prev') ?? '',
    );
    expect(back.replace_original).toBe(true);
    expect(JSON.stringify(back.blocks)).toContain('Page 1');
    expect(shown(back)).toEqual(seeded.slice(0, 20));
  });

  it("refuses a forged state asking for everyone's history to a non-approver, and audits it", async () => {
    const before = await refusedBy(TENANT.dave);
    const answer = await click(TENANT.dave, 'elevate_history_next', forgedAll());
    expect(answer.replace_original).toBe(false);
    expect(answer.text).toContain('approvers and auditors');
    expect(rowsIn(JSON.stringify(answer))).toEqual([]);
    expect(await refusedBy(TENANT.dave)).toBe(before + 1);
    // The same value from an approver is just a page: the clicker decides, not the value.
    expect(shown(await click(TENANT.bob, 'elevate_history_next', forgedAll()))).toEqual(
      seeded.slice(0, 20),
    );
  });

  it('answers a value that is not a state with what to do, not a crash', async () => {
    const answer = await click(TENANT.alice, 'elevate_history_next', '{"v":1,"s":"all","p":"x"}');
    expect(answer.text).toContain('Run the history command again');
  });
});

describe('history paging on Teams', () => {
  const messages = () => `${app.url}/api/messages`;
  const personal = (p: Person) => ({
    id: `a:1-${p.slack}`,
    conversationType: 'personal' as const,
    tenantId: TENANT_ID,
  });
  const user = (p: Person) => ({ id: `29:${p.slack}`, name: p.name, aadObjectId: p.id });
  type CardJson = { body: unknown[]; actions?: { title: string; verb: string; data: unknown }[] };

  async function say(p: Person, text: string): Promise<CardJson> {
    const conversation = personal(p);
    const before = connector.activitiesIn(conversation.id).length;
    const activity = messageActivity({
      text,
      from: user(p),
      conversation,
      serviceUrl: connector.serviceUrl,
    });
    expect((await teams.post(messages(), activity)).status).toBe(200);
    const sent = await waitFor(
      () => connector.activitiesIn(conversation.id)[before],
      5_000,
      `reply to "${text}"`,
    );
    const { attachments } = sent.activity as { attachments: { content: CardJson }[] };
    return attachments[0]?.content as CardJson;
  }

  async function act(p: Person, data: Record<string, unknown>): Promise<CardJson> {
    const activity = invokeActivity({
      verb: 'historyPage',
      data,
      from: user(p),
      conversation: personal(p),
      serviceUrl: connector.serviceUrl,
    });
    const res = await teams.post(messages(), activity);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
    return (res.body as { value: CardJson }).value;
  }

  const state = (card: CardJson, title: 'Previous' | 'Next') => {
    const action = card.actions?.find((a) => a.title === title);
    if (action) expect(action.verb).toBe('historyPage');
    return (action?.data as { state?: string } | undefined)?.state ?? null;
  };

  it('Next shows page 2 with the next rows, Previous brings page 1 back', async () => {
    const one = await say(TENANT.alice, 'history');
    expect(rowsIn(JSON.stringify(one.body))).toEqual(seeded.slice(0, 20));
    expect(JSON.stringify(one.body)).toContain('page 1');
    expect(state(one, 'Previous')).toBeNull();

    const two = await act(TENANT.alice, { state: state(one, 'Next') });
    expect(JSON.stringify(two.body)).toContain('page 2');
    expect(rowsIn(JSON.stringify(two.body))).toEqual(seeded.slice(20, 40));

    const three = await act(TENANT.alice, { state: state(two, 'Next') });
    expect(rowsIn(JSON.stringify(three.body))).toEqual(seeded.slice(40));
    expect(state(three, 'Next')).toBeNull();

    const back = await act(TENANT.alice, { state: state(two, 'Previous') });
    expect(JSON.stringify(back.body)).toContain('page 1');
    expect(rowsIn(JSON.stringify(back.body))).toEqual(seeded.slice(0, 20));
  });

  it("refuses a forged state asking for everyone's history to a non-approver, and audits it", async () => {
    const before = await refusedBy(TENANT.dave);
    const answer = await act(TENANT.dave, { state: forgedAll() });
    expect(JSON.stringify(answer)).toContain('approvers and auditors');
    expect(rowsIn(JSON.stringify(answer))).toEqual([]);
    expect(answer.actions ?? []).toEqual([]);
    expect(await refusedBy(TENANT.dave)).toBe(before + 1);
    // The same state from an approver is just a page: the clicker decides, not the card.
    const bob = await act(TENANT.bob, { state: forgedAll() });
    expect(rowsIn(JSON.stringify(bob.body))).toEqual(seeded.slice(0, 20));
  });

  it('answers missing or malformed state with what to do, not a crash', async () => {
    expect(JSON.stringify(await act(TENANT.alice, {}))).toContain('Run the history command again');
    expect(JSON.stringify(await act(TENANT.alice, { state: { v: 1, s: 'all' } }))).toContain(
      'Run the history command again',
    );
  });
});
