/**
 * ELEVATE_PROCESS=web and =worker on one Redis: the web replica answers Slack and runs no
 * jobs; the worker serves no chat route, runs the timers and the notify queue. A grant asked
 * for at the web replica is made once, by the worker, and the requester hears of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import {
  postToBot,
  type SlackStandIn,
  slashCommandBody,
  startSlackStandIn,
} from '../standins/slack/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { graphEnv, startTenant, TENANT, testPolicy } from './world.ts';

let graph: GraphStandIn;
let slack: SlackStandIn;
let redis: FreshRedis;
const apps: RunningApp[] = [];

const start = async (process: 'web' | 'worker') => {
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ...graphEnv(graph, redis.prefix),
    ELEVATE_PROCESS: process,
  });
  const app = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
  apps.push(app);
  return app;
};

beforeAll(async () => {
  graph = await startTenant();
  slack = await startSlackStandIn();
  redis = await freshRedis();
  const alice = TENANT.alice;
  slack.addUser({ id: alice.slack, name: 'alice', realName: alice.name, email: alice.upn });
  slack.addChannel({ id: 'C0SECURITY', name: 'security', botIsMember: true });
  slack.addChannel({ id: 'C0APPROVALS', name: 'pim-approvals', botIsMember: true });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await slack?.close();
  await graph?.close();
  await redis?.cleanup();
});

const grants = () =>
  graph.calls.filter(
    (c) => c.method === 'POST' && c.path.endsWith('/roleAssignmentScheduleRequests'),
  );

describe('web and worker processes', () => {
  it('web takes the request, runs nothing; the worker grants once and notifies', async () => {
    const web = await start('web');
    const responseUrl = slack.responseUrl();
    const body = slashCommandBody({
      text: 'Helpdesk Administrator 1h resetting a locked account',
      userId: TENANT.alice.slack,
      channelId: 'C0OPS',
      responseUrl,
      triggerId: slack.triggerId(),
      teamId: slack.teamId,
    });
    expect((await postToBot(`${web.url}/slack/events`, slack.signingSecret, body)).status).toBe(
      200,
    );
    const reply = await waitFor(() => slack.responses.find((r) => r.url === responseUrl), 10_000);
    const id = /R[0-9A-Z]{7,}/.exec(JSON.stringify(reply.body))?.[0] ?? '';
    expect(id).not.toBe('');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(grants()).toHaveLength(0);
    expect((await web.deps.store.get(id))?.state).toBe('approved');
    expect(slack.messagesIn('C0SECURITY')).toHaveLength(0);

    const worker = await start('worker');
    const notFound = await postToBot(`${worker.url}/slack/events`, slack.signingSecret, body);
    expect(notFound.status).toBe(404);
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    await waitFor(async () => (await web.deps.store.get(id))?.state === 'active', 10_000, 'active');
    await waitFor(
      () => slack.messagesIn('C0SECURITY').some((m) => m.text.includes(id)),
      10_000,
      'security post from the worker',
    );
    expect(grants().filter((c) => c.status === 201)).toHaveLength(1);
  }, 40_000);
});
