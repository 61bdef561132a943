/**
 * Slack as a lifecycle surface: the bot started as `npm start` would, signed slash commands and
 * block_actions clicks in, and what the Web API stand-in received out.
 */
import { startApp } from '../../../bot/app.ts';
import { loadConfig } from '../../../bot/config.ts';
import { createLogger } from '../../../bot/log.ts';
import type { PostedCard, SurfaceHarness } from '../../contracts/message-lifecycle.contract.ts';
import {
  blockActionBody,
  postToBot,
  type StoredMessage,
  slashCommandBody,
  startSlackStandIn,
} from '../../standins/slack/index.ts';
import { freshRedis } from '../../support/redis.ts';
import { waitFor } from '../../support/wait.ts';
import { graphEnv, ROLES, startTenant, TENANT } from '../world.ts';
import { lifecyclePolicy } from './policy.ts';

const APPROVALS = 'C0APPROVALS';
const SECURITY = 'C0SECURITY';

const textOf = (m: { text: string; blocks: unknown[] }) => `${m.text}\n${JSON.stringify(m.blocks)}`;
const offersApprove = (card: string) => card.includes('elevate_approve');

export async function slackSurface(): Promise<SurfaceHarness> {
  const graph = await startTenant();
  const slack = await startSlackStandIn();
  const redis = await freshRedis();
  for (const p of Object.values(TENANT)) {
    slack.addUser({
      id: p.slack,
      name: p.upn.split('@')[0] ?? p.slack,
      realName: p.name,
      email: p.upn,
    });
  }
  slack.addChannel({ id: APPROVALS, name: 'pim-approvals', botIsMember: true });
  slack.addChannel({ id: SECURITY, name: 'security', botIsMember: true });
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ...graphEnv(graph, redis.prefix),
  });
  const app = await startApp({ config, policy: lifecyclePolicy(), log: createLogger('silent') });
  const events = `${app.url}/slack/events`;

  /** Approval cards are the bot's messages that offered Approve for the request when posted. */
  const isApprovalCard = (m: StoredMessage, requestId: string) => {
    const first = m.versions[0];
    return (
      !m.ephemeralTo && !!first && offersApprove(textOf(first)) && textOf(first).includes(requestId)
    );
  };

  return {
    deps: app.deps,
    conversations: {
      approvers: [APPROVALS, slack.dmOf(TENANT.bob.slack)],
      backup: [slack.dmOf(TENANT.carol.slack)],
    },
    async submit(text) {
      const responseUrl = slack.responseUrl();
      const body = slashCommandBody({
        text,
        userId: TENANT.alice.slack,
        channelId: 'C0OPS',
        responseUrl,
        triggerId: slack.triggerId(),
        teamId: slack.teamId,
      });
      const res = await postToBot(events, slack.signingSecret, body);
      if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
      const reply = await waitFor(
        () => slack.responses.find((r) => r.url === responseUrl),
        10_000,
        'the answer to the slash command',
      );
      return JSON.stringify(reply.body);
    },
    async approve(requestId) {
      const card = slack.messagesIn(APPROVALS).find((m) => isApprovalCard(m, requestId));
      const body = blockActionBody({
        userId: TENANT.carol.slack,
        teamId: slack.teamId,
        actionId: 'elevate_approve',
        value: requestId,
        channelId: APPROVALS,
        messageTs: card?.ts ?? '1.1',
        responseUrl: slack.responseUrl(),
        triggerId: slack.triggerId(),
      });
      const res = await postToBot(events, slack.signingSecret, body);
      if (res.status !== 200) throw new Error(`block_actions answered ${res.status}`);
      return null;
    },
    granted: async () =>
      graph.tenant
        .activeAssignments()
        .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.exchange.id),
    approvalCards: async (requestId) =>
      slack.messages
        .filter((m) => isApprovalCard(m, requestId))
        .map(
          (m): PostedCard => ({
            conversation: m.channel,
            messageId: m.ts,
            versions: m.versions.map(textOf),
          }),
        ),
    offersApprove,
    toRequester: async () => slack.messagesIn(slack.dmOf(TENANT.alice.slack)).map(textOf),
    toSecurity: async () => slack.messagesIn(SECURITY).map(textOf),
    traffic: async () => slack.calls.length,
    async close() {
      await app.close();
      await slack.close();
      await graph.close();
      await redis.cleanup();
    },
  };
}
