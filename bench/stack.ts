/**
 * The outside world of a benchmark run: Slack, Entra + Graph (TLS) and the Bot Connector
 * stand-ins, a policy file and a fresh Redis prefix, and the environment that starts the real
 * bot (`node bot/main.ts`) as its own process with every platform configured against them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { POLICY, startTenant, TENANT } from '../test/e2e/world.ts';
import {
  type BotConnectorStandIn,
  type ChannelIssuer,
  startBotConnectorStandIn,
  startChannelIssuer,
} from '../test/standins/botframework/index.ts';
import type { GraphStandIn } from '../test/standins/graph/index.ts';
import { type SlackStandIn, startSlackStandIn } from '../test/standins/slack/index.ts';
import { makeTestCa } from '../test/support/tls.ts';

export const TEAMS_APP_ID = '00000000-0000-4000-8000-00000000b0a7';
const TEAMS_APP_PASSWORD = 'secret';
/** The Slack user the load process speaks as: Alice, known to Slack and to Entra. */
export const BENCH_USER = 'U0BENCH';

export interface Stack {
  readonly slack: SlackStandIn;
  readonly graph: GraphStandIn;
  readonly connector: BotConnectorStandIn;
  readonly issuer: ChannelIssuer;
  readonly prefix: string;
  /** A scratch folder, removed at close. */
  readonly dir: string;
  /** The bot's environment: every platform configured, Redis on its own prefix. */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** TLS material first: the Graph stand-in reads it, the bot's Node trusts its CA at start. */
export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-bench-'));
  const { caPath } = await makeTestCa(dir);
  process.env.ELEVATE_TEST_TLS_DIR = dir;
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY);

  const graph = await startTenant();
  const slack = await startSlackStandIn();
  // With the app id it also issues the bot its Connector token (BOT_LOGIN_URL), so the bot's
  // answers to Teams activities reach it as in production.
  const connector = await startBotConnectorStandIn({
    appId: TEAMS_APP_ID,
    appPassword: TEAMS_APP_PASSWORD,
  });
  if (!connector.loginUrl) throw new Error('the Connector stand-in has no login endpoint');
  const botLoginUrl = connector.loginUrl;
  const issuer = await startChannelIssuer();
  for (const p of Object.values(TENANT)) {
    const name = p.upn.split('@')[0] ?? p.slack;
    slack.addUser({ id: p.slack, name, realName: p.name, email: p.upn, tz: 'Europe/Amsterdam' });
  }
  const alice = TENANT.alice;
  slack.addUser({ id: BENCH_USER, name: 'alice.bench', realName: alice.name, email: alice.upn });
  slack.addChannel({ id: 'C0APPROVALS', name: 'pim-approvals', botIsMember: true });
  slack.addChannel({ id: 'C0SECURITY', name: 'security', botIsMember: true });
  const prefix = `bench-${process.pid}-${Date.now()}`;

  return {
    slack,
    graph,
    connector,
    issuer,
    prefix,
    dir,
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_EXTRA_CA_CERTS: caPath,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      MICROSOFT_APP_ID: TEAMS_APP_ID,
      MICROSOFT_APP_PASSWORD: TEAMS_APP_PASSWORD,
      MICROSOFT_APP_TYPE: 'MultiTenant',
      BOT_OPENID_METADATA: issuer.openIdMetadataUrl,
      BOT_LOGIN_URL: botLoginUrl,
      TEAMS_SERVICE_URL: connector.serviceUrl,
      AZURE_TENANT_ID: graph.tenantId,
      AZURE_CLIENT_ID: graph.clientId,
      AZURE_CLIENT_SECRET: graph.clientSecret,
      AZURE_AUTHORITY_HOST: graph.authorityHost,
      GRAPH_BASE_URL: graph.graphBaseUrl,
      POLICY_FILE: policyFile,
      // The policy has a role that needs an MFA sign-in, whose links point here.
      PUBLIC_URL: 'https://elevate.contoso.example',
      REDIS_PREFIX: prefix,
      // The local Redis has no password; the key seals records as in production.
      REDIS_INSECURE: 'true',
      ELEVATE_HMAC_KEY: `bench-${'k'.repeat(40)}`,
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...extra,
    }),
    close: async () => {
      await Promise.all([slack.close(), graph.close(), connector.close(), issuer.close()]);
      const redis = new Redis({ lazyConnect: true });
      await redis.connect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
