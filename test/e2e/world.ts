/**
 * A whole tenant for end-to-end tests: the Entra+Graph stand-in over HTTPS, the Slack Web API
 * stand-in, a policy, a fresh Redis prefix, and the bot itself started from a Config exactly
 * as `npm start` would, talking to the stand-ins through the real SDK clients.
 */

import { seedWorld } from '../../adapters/entra-sim/seed.ts';
import { eligibleFor, type WorldSpec } from '../../adapters/entra-sim/world.ts';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import { createLogger } from '../../bot/log.ts';
import { parsePolicy } from '../../bot/policy-file.ts';
import { type GraphStandIn, startGraphStandIn } from '../standins/graph/index.ts';
import {
  blockActionBody,
  postToBot,
  type SlackStandIn,
  slashCommandBody,
  startSlackStandIn,
} from '../standins/slack/index.ts';
import { type FreshRedis, freshRedis, TRUSTED_REDIS_ENV } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';

export const TENANT = {
  alice: {
    id: '6b2e9f4a-0000-4000-8000-00000000a11c',
    upn: 'alice@contoso.com',
    name: 'Alice Admin',
    slack: 'UALICE001',
  },
  bob: {
    id: '6b2e9f4a-0000-4000-8000-0000000000b0',
    upn: 'bob@contoso.com',
    name: 'Bob Approver',
    slack: 'UBOB00001',
  },
  carol: {
    id: '6b2e9f4a-0000-4000-8000-0000000ca201',
    upn: 'carol@contoso.com',
    name: 'Carol Approver',
    slack: 'UCAROL001',
  },
  dave: {
    id: '6b2e9f4a-0000-4000-8000-0000000da4e0',
    upn: 'dave@contoso.com',
    name: 'Dave Outsider',
    slack: 'UDAVE0001',
  },
} as const;

export const ROLES = {
  exchange: { id: '29232cdf-9323-42fd-ade2-1d097af3e4de', name: 'Exchange Administrator' },
  global: { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
  helpdesk: { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' },
  security: { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator' },
} as const;

export const APPROVER_GROUP = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
/** An Azure subscription with two resource groups; Alice may be Contributor on all of it. */
export const AZURE = {
  subscription: 'dfa2a084-766f-4003-8ae1-c4aeb893a99f',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;
export const SUBSCRIPTION_SCOPE = `/subscriptions/${AZURE.subscription}`;

/** A PIM for Groups group: Alice may activate membership, Bob ownership. */
export const PAYMENTS_ONCALL = {
  id: '5a0e0c11-4b5a-4978-8695-00000000a9e1',
  name: 'Payments Oncall',
};

export const POLICY = `
defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com, "group:${APPROVER_GROUP}"], quorum: 1, timeout: 1h }
  justification: { required: true, minLength: 10 }
  ticket: { pattern: "^(INC|CHG)-?\\\\d+$" }
roles:
  Exchange Administrator: { aliases: [exchange, exo], maxDuration: 4h, propagation: 20m }
  Global Administrator: { approval: { quorum: 2 }, maxDuration: 1h }
  Helpdesk Administrator: { approval: { required: false } }
  Security Administrator: { approval: { required: false }, mfa: { required: true } }
channels:
  security: { slack: C0SECURITY, teams: "19:security@thread.tacv2" }
  approvals: { slack: C0APPROVALS, teams: "19:approvals@thread.tacv2" }
groups:
  Payments Oncall: { aliases: [payments], approval: { quorum: 1 } }
azureRoles:
  Contributor: { maxDuration: 2h }
azure:
  scopes: [/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f]
auditors: [carol@contoso.com]
`;

export interface World {
  readonly graph: GraphStandIn;
  readonly slack: SlackStandIn;
  readonly app: RunningApp;
  readonly redis: FreshRedis;
  close(): Promise<void>;
}

/** The Entra tenant every end-to-end test starts from: Alice eligible for every role. */
export const E2E_WORLD: WorldSpec = {
  users: Object.values(TENANT).map((p) => ({ id: p.id, name: p.name, upn: p.upn })),
  groups: [{ id: APPROVER_GROUP, name: 'SecOps', members: [TENANT.carol.id, TENANT.alice.id] }],
  roles: Object.values(ROLES),
  eligible: eligibleFor([TENANT.alice.id], Object.values(ROLES)),
  pimGroups: [
    {
      ...PAYMENTS_ONCALL,
      eligible: [{ principalId: TENANT.alice.id }, { principalId: TENANT.bob.id, access: 'owner' }],
      pim: { member: { maximumDuration: 'PT2H' } },
    },
  ],
  azure: {
    subscriptions: [
      { id: AZURE.subscription, name: 'Payments Prod', resourceGroups: ['rg-payments', 'rg-app'] },
    ],
    roles: [
      { id: AZURE.contributor, name: 'Contributor' },
      { id: AZURE.reader, name: 'Reader' },
    ],
    eligible: [
      { principalId: TENANT.alice.id, roleId: AZURE.contributor, scope: SUBSCRIPTION_SCOPE },
      {
        principalId: TENANT.alice.id,
        roleId: AZURE.reader,
        scope: `${SUBSCRIPTION_SCOPE}/resourceGroups/rg-app`,
      },
    ],
  },
};

export async function startTenant(): Promise<GraphStandIn> {
  const graph = await startGraphStandIn({ arm: true });
  seedWorld(graph.tenant, E2E_WORLD);
  return graph;
}

export function testPolicy(text: string = POLICY) {
  const policy = parsePolicy(text, 'policy.yaml');
  if (!policy.ok) throw new Error(policy.error.map((e) => e.message).join('\n'));
  return policy.value;
}

export const PUBLIC_URL = 'https://elevate.contoso.example';

/** Environment for the bot's Graph side, pointed at the stand-in. */
export const graphEnv = (graph: GraphStandIn, prefix: string) => ({
  AZURE_TENANT_ID: graph.tenantId,
  AZURE_CLIENT_ID: graph.clientId,
  AZURE_CLIENT_SECRET: graph.clientSecret,
  AZURE_AUTHORITY_HOST: graph.authorityHost,
  GRAPH_BASE_URL: graph.graphBaseUrl,
  ...(graph.armBaseUrl ? { ARM_BASE_URL: graph.armBaseUrl } : {}),
  REDIS_PREFIX: prefix,
  ...TRUSTED_REDIS_ENV,
  // Where people reach the bot; tests call app.url and map this origin onto it (signInLink).
  PUBLIC_URL: PUBLIC_URL,
  PORT: '0',
  // Production refuses silent logs (the audit anchors are log lines); tests pass a silent logger.
  LOG_LEVEL: 'error',
});

/**
 * `clock`: the bot's own clock (the stand-ins keep real time), to reach a deadline at once;
 * `policy`: policy.yaml text instead of the default one; `env`: more settings (on-call tokens).
 */
export async function startWorld(
  options: { clock?: Clock; policy?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<World> {
  const graph = await startTenant();
  const slack = await startSlackStandIn();
  const redis = await freshRedis();
  for (const p of Object.values(TENANT)) {
    slack.addUser({
      id: p.slack,
      name: p.upn.split('@')[0] ?? p.slack,
      realName: p.name,
      email: p.upn,
      tz: 'Europe/Amsterdam',
    });
  }
  slack.addChannel({ id: 'C0APPROVALS', name: 'pim-approvals', botIsMember: true });
  slack.addChannel({ id: 'C0SECURITY', name: 'security', botIsMember: true });
  const config = loadConfig({
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ...graphEnv(graph, redis.prefix),
    ...options.env,
  });
  const app = await startApp({
    config,
    policy: testPolicy(options.policy),
    log: createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    graph,
    slack,
    app,
    redis,
    async close() {
      await app.close();
      await slack.close();
      await graph.close();
      await redis.cleanup();
    },
  };
}

/**
 * `/elevate <text>` typed by `who` in #ops, signed as Slack signs it; the bot's reply (sent to
 * the command's response_url) as JSON text.
 */
export async function slashCommand(
  world: World,
  who: { readonly slack: string },
  text: string,
): Promise<string> {
  const responseUrl = world.slack.responseUrl();
  const body = slashCommandBody({
    text,
    userId: who.slack,
    channelId: 'C0OPS',
    responseUrl,
    triggerId: world.slack.triggerId(),
    teamId: world.slack.teamId,
  });
  const res = await postToBot(`${world.app.url}/slack/events`, world.slack.signingSecret, body);
  if (res.status !== 200) throw new Error(`the bot answered "${text}" with ${res.status}`);
  const reply = await waitFor(
    () => world.slack.responses.find((r) => r.url === responseUrl),
    10_000,
    `reply to "${text}"`,
  );
  return JSON.stringify(reply.body);
}

/**
 * `who` clicks a button (`actionId`, `value`) on a bot message, signed as Slack signs it; the
 * response_url the bot may answer at.
 */
export async function clickButton(
  world: World,
  who: { readonly slack: string },
  actionId: string,
  value: string,
  channelId = 'C0OPS',
): Promise<string> {
  const responseUrl = world.slack.responseUrl();
  const body = blockActionBody({
    userId: who.slack,
    teamId: world.slack.teamId,
    actionId,
    value,
    channelId,
    messageTs: '1.1',
    responseUrl,
    triggerId: world.slack.triggerId(),
  });
  const res = await postToBot(`${world.app.url}/slack/events`, world.slack.signingSecret, body);
  if (res.status !== 200) throw new Error(`the bot answered the click with ${res.status}`);
  return responseUrl;
}

/** What the bot answered at `url` (a click's response_url), as JSON text. */
export const answerAt = async (world: World, url: string, what = 'the answer'): Promise<string> =>
  JSON.stringify(
    (await waitFor(() => world.slack.responses.find((r) => r.url === url), 10_000, what)).body,
  );

/** The first post in the security channel whose text has `needle`. */
export const securityPost = (world: World, needle: string) =>
  waitFor(
    () => world.slack.messagesIn('C0SECURITY').find((m) => m.text.includes(needle)),
    10_000,
    `security post "${needle}"`,
  );
