/**
 * A Graph read that throws reaches the person, on a command and on a click, on Slack and on
 * Teams: the exact catalogue message with a reference arrives at the Slack stand-in
 * (response_url) and at the Bot Connector stand-in (or in the invoke response), and the one
 * log line about it carries the same correlation id. Two bots share the stand-ins: one whose
 * app lacks User.Read.All (Graph answers 403), one whose client secret Entra refuses.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../adapters/entra-sim/tenant.ts';
import { PERMISSIONS } from '../../adapters/graph/errors.ts';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { type AppError, appError, withReference } from '../../bot/core/errors.ts';
import { createLogger } from '../../bot/log.ts';
import { errorMessage } from '../../cards/slack/index.ts';
import { errorCard } from '../../cards/teams/index.ts';
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
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, startTenant, TENANT, testPolicy } from './world.ts';

interface Bot {
  readonly app: RunningApp;
  readonly redis: FreshRedis;
  readonly logs: Record<string, unknown>[];
}

let graph: GraphStandIn;
let slack: SlackStandIn;
let connector: BotConnectorStandIn;
let teams: TeamsChannel;
let refused: Bot;
let signInFails: Bot;

async function startBot(env: Record<string, string> = {}): Promise<Bot> {
  const redis = await freshRedis();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    ...graphEnv(graph, redis.prefix),
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ...teams.env,
    ...env,
  });
  const app = await startApp({ config, policy: testPolicy(), log: createLogger('error', sink) });
  return { app, redis, logs };
}

beforeAll(async () => {
  graph = await startTenant();
  graph.tenant.grantPermissions(
    ALL_PERMISSIONS.filter((p) => p !== 'User.Read.All' && p !== 'Directory.Read.All'),
  );
  slack = await startSlackStandIn();
  for (const p of Object.values(TENANT))
    slack.addUser({ id: p.slack, name: p.slack, realName: p.name, email: p.upn });
  teams = await startTeamsChannel();
  connector = teams.connector;
  refused = await startBot();
  signInFails = await startBot({ AZURE_CLIENT_SECRET: 'not-the-secret' });
});
afterAll(async () => {
  for (const bot of [refused, signInFails]) {
    await bot?.app.close();
    await bot?.redis.cleanup();
  }
  await teams?.close();
  await slack?.close();
  await graph?.close();
});

const REFERENCE = /Reference: [\\`]*([0-9a-f]{12})/;
const referenceIn = (body: unknown): string => REFERENCE.exec(JSON.stringify(body))?.[1] ?? '';

/** The one error line about the failure carries its reference and code, and no secret. */
function expectLogged(bot: Bot, reference: string, error: AppError): void {
  const lines = bot.logs.filter((l) => l.correlationId === reference);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ code: error.code, level: 50 });
  expect(JSON.stringify(lines[0])).not.toContain('not-the-secret');
}

async function slackCommand(bot: Bot): Promise<unknown> {
  const responseUrl = slack.responseUrl();
  const body = slashCommandBody({
    text: 'status',
    userId: TENANT.alice.slack,
    channelId: 'C0OPS',
    responseUrl,
    triggerId: slack.triggerId(),
    teamId: slack.teamId,
  });
  expect((await postToBot(`${bot.app.url}/slack/events`, slack.signingSecret, body)).status).toBe(
    200,
  );
  return (await waitFor(() => slack.responses.find((r) => r.url === responseUrl), 10_000)).body;
}

async function slackClick(bot: Bot): Promise<unknown> {
  const responseUrl = slack.responseUrl();
  const body = blockActionBody({
    userId: TENANT.bob.slack,
    teamId: slack.teamId,
    actionId: 'elevate_approve',
    value: 'R7K2M9QXA',
    channelId: 'C0APPROVALS',
    messageTs: '1.1',
    responseUrl,
    triggerId: slack.triggerId(),
  });
  expect((await postToBot(`${bot.app.url}/slack/events`, slack.signingSecret, body)).status).toBe(
    200,
  );
  return (await waitFor(() => slack.responses.find((r) => r.url === responseUrl), 10_000)).body;
}

const from = {
  id: `29:${TENANT.alice.slack}`,
  name: TENANT.alice.name,
  aadObjectId: TENANT.alice.id,
};

async function teamsMessage(bot: Bot, conversationId: string): Promise<unknown> {
  const activity = messageActivity({
    text: 'status',
    from,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: 'contoso' },
    serviceUrl: connector.serviceUrl,
  });
  expect((await teams.post(`${bot.app.url}/api/messages`, activity)).status).toBe(200);
  const reply = await waitFor(() => connector.activitiesIn(conversationId)[0], 10_000);
  return (reply.activity as { attachments: { content: unknown }[] }).attachments[0]?.content;
}

async function teamsClick(bot: Bot): Promise<unknown> {
  const activity = invokeActivity({
    verb: 'approve',
    data: { requestId: 'R7K2M9QXA' },
    from,
    conversation: { id: '19:approvals@thread.tacv2', conversationType: 'channel', tenantId: 'x' },
    serviceUrl: connector.serviceUrl,
  });
  const res = await teams.post(`${bot.app.url}/api/messages`, activity);
  expect(res.status).toBe(200);
  return (res.body as { value: unknown }).value;
}

const CASES = [
  {
    name: 'Graph refusing with 403',
    bot: () => refused,
    error: () => appError('graph.permission_missing', PERMISSIONS.users),
  },
  {
    name: 'Entra refusing the client secret',
    bot: () => signInFails,
    error: () => appError('graph.sign_in_failed'),
  },
];

describe.each(CASES)('$name reaches the person', ({ name, bot, error }) => {
  const conversation = `a:1-${name.replace(/\W/g, '')}`;

  it('on a Slack command, ephemerally', async () => {
    const body = await slackCommand(bot());
    const reference = referenceIn(body);
    expect(body).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      ...errorMessage(withReference(error(), reference)),
    });
    expectLogged(bot(), reference, error());
  });

  it('on a Slack button click, ephemerally', async () => {
    const body = await slackClick(bot());
    const reference = referenceIn(body);
    expect(body).toMatchObject(errorMessage(withReference(error(), reference)));
    expectLogged(bot(), reference, error());
  });

  it('on a Teams message, as a card', async () => {
    const card = await teamsMessage(bot(), conversation);
    const reference = referenceIn(card);
    expect(card).toEqual(errorCard(withReference(error(), reference)));
    expectLogged(bot(), reference, error());
  });

  it('on a Teams card action, in the invoke response', async () => {
    const card = await teamsClick(bot());
    const reference = referenceIn(card);
    expect(card).toEqual(errorCard(withReference(error(), reference)));
    expectLogged(bot(), reference, error());
  });
});
