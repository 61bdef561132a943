/**
 * The production bundle (npm run build → dist/main.mjs, what the container image runs) starts
 * as its own process with Slack, Teams and Graph configured, answers /readyz and serves a
 * signed Slack command; the Teams SDK is loaded by the first activities, once, not at start;
 * with no credentials it still starts the sandbox from the source tree.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../bench/stack.ts';
import { startBot } from '../../bench/startup.ts';
import { messageActivity } from '../standins/botframework/index.ts';
import { postToBot, slashCommandBody } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel } from './teams-channel.ts';
import { personalChat } from './teams-world.ts';
import { TENANT } from './world.ts';

const SDK_LOADED = /"msg":"teams SDK loaded"/g;

let stack: Stack;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.ts'], { stdio: 'pipe' });
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('the production bundle', () => {
  it('starts with every platform configured and answers a signed command', async () => {
    const bot = await startBot(stack, { entry: 'dist/main.mjs' });
    try {
      const send = async (text: string) => {
        const responseUrl = stack.slack.responseUrl();
        const body = slashCommandBody({
          text,
          userId: TENANT.alice.slack,
          channelId: 'C0OPS',
          responseUrl,
          triggerId: `t.bundle.${text}`,
          teamId: stack.slack.teamId,
        });
        const res = await postToBot(`${bot.url}/slack/events`, stack.slack.signingSecret, body);
        expect(res.status).toBe(200);
        return { ack: res.body, responseUrl };
      };
      // Help is the ack's body; a command that reads goes through Slack's response_url.
      expect((await send('help')).ack).toContain('How to use /elevate');
      const status = await send('status');
      const reply = await waitFor(() =>
        stack.slack.responses.find((r) => r.url === status.responseUrl),
      );
      expect(JSON.stringify(reply.body)).toContain('no open requests');
    } finally {
      await bot.stop();
    }
  }, 60_000);

  it('loads the Teams SDK on the first activities, once, and answers them', async () => {
    const teams = await startTeamsChannel();
    const bot = await startBot(stack, {
      entry: 'dist/main.mjs',
      env: { ...teams.env, LOG_LEVEL: 'info' },
    });
    try {
      // The log line may reach the pipe a moment after /readyz first answers.
      await waitFor(() => (bot.output().includes('elevate ready') ? true : null), 10_000, 'ready');
      expect(bot.output().match(SDK_LOADED)).toBeNull();
      // Two people's first messages at once: both wait for the one load.
      const people = [TENANT.alice, TENANT.bob];
      const answers = await Promise.all(
        people.map((p) =>
          teams.post(
            `${bot.url}/api/messages`,
            messageActivity({
              text: 'help',
              from: { id: `29:${p.slack}`, name: p.name, aadObjectId: p.id },
              conversation: personalChat(p),
              serviceUrl: teams.connector.serviceUrl,
            }),
          ),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      for (const p of people) {
        const reply = await waitFor(() => teams.connector.activitiesIn(personalChat(p).id)[0]);
        expect(JSON.stringify(reply.activity)).toContain('How to use elevate');
      }
      expect(bot.output().match(SDK_LOADED)).toHaveLength(1);
    } finally {
      await bot.stop();
      await teams.close();
    }
  }, 60_000);

  it('starts the sandbox from the source tree when no credentials are set', async () => {
    const bot = await startBot(stack, {
      entry: 'dist/main.mjs',
      env: {
        SLACK_SIGNING_SECRET: '',
        SLACK_BOT_TOKEN: '',
        MICROSOFT_APP_ID: '',
        MICROSOFT_APP_PASSWORD: '',
        AZURE_TENANT_ID: '',
        AZURE_CLIENT_ID: '',
        AZURE_CLIENT_SECRET: '',
        POLICY_FILE: '',
      },
    });
    try {
      const page = await fetch(`${bot.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('elevate');
    } finally {
      await bot.stop();
    }
  }, 60_000);
});
