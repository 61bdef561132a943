/**
 * Teams beyond the request cards: the audit export as a signed, expiring, one-time link the
 * bot serves (following it streams the CSV after checking again that the person is an
 * auditor; a reused, altered or expired link is refused with a message saying what to do),
 * and security alerts posted to the security channel through the notify queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportLinks } from '../../adapters/chat/export-links.ts';
import { MemoryUsedLinks } from '../../adapters/chat/used-links.ts';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { type BotConnectorStandIn, messageActivity } from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, startTenant, TENANT, testPolicy } from './world.ts';

let graph: GraphStandIn;
let connector: BotConnectorStandIn;
let teams: TeamsChannel;
let redis: FreshRedis;
let app: RunningApp;

beforeAll(async () => {
  graph = await startTenant();
  teams = await startTeamsChannel();
  connector = teams.connector;
  redis = await freshRedis();
  const config = loadConfig({
    ...graphEnv(graph, redis.prefix),
    ...teams.env,
    PUBLIC_URL: 'https://elevate.contoso.example/',
  });
  app = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
});
afterAll(async () => {
  await app?.close();
  await teams?.close();
  await graph?.close();
  await redis?.cleanup();
});

type Person = (typeof TENANT)[keyof typeof TENANT];

async function say(p: Person, text: string): Promise<Record<string, unknown>> {
  const conversation = {
    id: `a:1-${p.slack}`,
    conversationType: 'personal' as const,
    tenantId: 't',
  };
  const before = connector.activitiesIn(conversation.id).length;
  const activity = messageActivity({
    text,
    from: { id: `29:${p.slack}`, name: p.name, aadObjectId: p.id },
    conversation,
    serviceUrl: connector.serviceUrl,
  });
  expect((await teams.post(`${app.url}/api/messages`, activity)).status).toBe(200);
  const reply = await waitFor(() => connector.activitiesIn(conversation.id)[before], 5_000);
  return reply.activity as Record<string, unknown>;
}

/** The link on the card, pointed at the running bot instead of its public name. */
const linkIn = (activity: Record<string, unknown>) => {
  const url = /"url":"(https:\/\/elevate\.contoso\.example[^"]+)"/.exec(
    JSON.stringify(activity),
  )?.[1];
  if (!url) throw new Error(`no export link in ${JSON.stringify(activity)}`);
  const parsed = new URL(url);
  return `${app.url}${parsed.pathname}${parsed.search}`;
};

describe('Teams audit export by link', () => {
  it('gives an auditor a one-time link that streams the CSV', async () => {
    const card = await say(TENANT.carol, 'export since 30d');
    expect(JSON.stringify(card)).toMatch(/Action\.OpenUrl/);
    expect(JSON.stringify(card)).toMatch(/works once, for the next 15 minutes/);
    const link = linkIn(card);
    // A link preview's HEAD does not spend the one use.
    const preview = await fetch(link, { method: 'HEAD' });
    expect([preview.status, await preview.text()]).toEqual([200, '']);
    const first = await fetch(link);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await first.text();
    expect(csv.split('\r\n')[0]).toMatch(/^time,requester,role,action/);
    expect(csv).toMatch(/history\.exported/);
    const again = await fetch(link);
    expect(again.status).toBe(410);
    expect(((await again.json()) as { error: string }).error).toMatch(
      /used already.*\/elevate export/,
    );
  });

  it('refuses an altered link, and an export to someone who is not an auditor', async () => {
    const link = linkIn(await say(TENANT.carol, 'export'));
    const token = new URL(link).searchParams.get('t') ?? '';
    const [body = '', signature = ''] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, a: TENANT.dave.id })).toString(
      'base64url',
    );
    const altered = await fetch(`${app.url}/export/audit.csv?t=${forged}.${signature}`);
    expect(altered.status).toBe(403);
    expect(((await altered.json()) as { error: string }).error).toMatch(/not valid/);
    expect(JSON.stringify(await say(TENANT.dave, 'export'))).toMatch(/auditor/i);
  });

  it('says a link has expired after 15 minutes', async () => {
    let now = Date.now();
    const links = new ExportLinks({
      baseUrl: 'https://x',
      key: async () => Buffer.alloc(32, 7),
      used: new MemoryUsedLinks(),
      now: () => now,
    });
    const token = new URL(await links.create(TENANT.carol.id, null)).searchParams.get('t') ?? '';
    now += 15 * 60_000 + 1;
    expect(await links.check(token)).toMatchObject({ ok: false, status: 410, why: /expired/ });
  });
});

describe('Teams security alerts', () => {
  it('posts an alert card to the security channel: what, who, since when, what to do', async () => {
    const channel = '19:security@thread.tacv2';
    const before = connector.activitiesIn(channel).length;
    await app.deps.notifier.securityAlert({
      kind: 'stale_account',
      key: `stale_account:${TENANT.dave.id}`,
      title: 'Dave Outsider (dave@contoso.com) may be a stale account',
      details: ['No sign-in for 120 days, and no activation through elevate in 90 days.'],
      action: 'Confirm the person still needs these roles.',
      since: Date.UTC(2026, 6, 26),
    });
    const posted = await waitFor(() => connector.activitiesIn(channel)[before], 10_000, 'alert');
    const text = JSON.stringify(posted.activity);
    expect(text).toMatch(/may be a stale account/);
    expect(text).toMatch(/Since: Sun 26 Jul/);
    expect(text).toMatch(/What to do: Confirm the person still needs these roles/);
  });

  it('waits out a 429 from the Bot Connector and posts the alert once', async () => {
    const channel = '19:security@thread.tacv2';
    const before = connector.activitiesIn(channel).length;
    connector.throttle(1, 1);
    await app.deps.notifier.securityAlert({
      kind: 'outside_pim',
      key: `outside_pim:${TENANT.dave.id}:throttled`,
      title: 'Dave Outsider (dave@contoso.com) holds Helpdesk Administrator outside PIM',
      details: ['A permanent assignment at scope /.'],
      action: 'Convert it to a PIM eligibility.',
      since: null,
    });
    await waitFor(() => connector.activitiesIn(channel).length > before, 15_000, 'the alert');
    await new Promise((r) => setTimeout(r, 1_500));
    const posted = connector.activitiesIn(channel).slice(before);
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]?.activity)).toMatch(/outside PIM/);
    expect(connector.calls.some((c) => c.status === 429)).toBe(true);
  });
});
