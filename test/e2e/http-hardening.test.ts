/**
 * The HTTP edge through the running bot (docs/security.md "HTTP, Slack and Teams"): Slack
 * requests replayed under another spelling of the same signature, payloads without a user,
 * methods a route does not serve, and the metrics endpoint.
 */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { postToBot, slashCommandBody } from '../standins/slack/index.ts';
import { freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { graphEnv, startWorld, TENANT, testPolicy, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const events = () => `${world.app.url}/slack/events`;

function signed(body: string, timestamp: number, signature?: string) {
  const digest = createHmac('sha256', world.slack.signingSecret)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature ?? `v0=${digest}`,
    digest,
  };
}

async function post(body: string, headers: Record<string, string>) {
  const { digest: _, ...sent } = headers;
  const res = await fetch(events(), { method: 'POST', headers: sent, body });
  return { status: res.status, text: await res.text() };
}

describe('Slack replay guard', () => {
  it('refuses the same signed request again under every header spelling Bolt accepts', async () => {
    const body = slashCommandBody({
      text: 'exo 1h replayed under another spelling INC-77',
      userId: TENANT.alice.slack,
      channelId: 'C0OPS',
      responseUrl: world.slack.responseUrl(),
      triggerId: world.slack.triggerId(),
      teamId: world.slack.teamId,
    });
    const ts = Math.floor(Date.now() / 1000);
    const first = signed(body, ts);
    const keys = async () => (await world.redis.redis.keys(`${world.redis.prefix}:req:*`)).length;
    const stored = await keys();
    expect((await post(body, first)).status).toBe(200);
    for (const variant of [
      `v0=${first.digest}=1`,
      `v0=${first.digest}=`,
      `v0=${first.digest}=v0=anything`,
    ]) {
      expect((await post(body, signed(body, ts, variant))).status, variant).toBe(401);
    }
    // Bolt reads the timestamp with Number(): ` 0<ts>` signs as `<ts>`, the same digest.
    expect((await post(body, { ...first, 'x-slack-request-timestamp': `0${ts}` })).status).toBe(
      401,
    );
    await waitFor(async () => (await keys()) === stored + 1, 5_000, 'the one request stored');
    await new Promise((r) => setTimeout(r, 300));
    expect(await keys()).toBe(stored + 1);
  });
});

describe('Slack payloads that are not what they claim', () => {
  it('answers a signed block_actions without a user with 400, not 500', async () => {
    const ts = Math.floor(Date.now() / 1000);
    for (const payload of [
      { type: 'block_actions', team: { id: world.slack.teamId }, actions: [] },
      {
        type: 'block_actions',
        team: { id: world.slack.teamId },
        user: {},
        actions: [{ action_id: 'elevate_approve', value: 'R0000000' }],
      },
      { type: 'view_submission', team: { id: world.slack.teamId }, view: {} },
    ]) {
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const res = await post(body, signed(body, ts));
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(res.text).not.toMatch(/TypeError|Cannot read|undefined/);
    }
    const garbage = 'payload=%7Bnot-json';
    const res = await post(garbage, signed(garbage, ts));
    expect(res.status).toBe(400);
  });
});

describe('methods and paths', () => {
  it('answers HEAD like GET without a body, and 405 with Allow for a method a route does not serve', async () => {
    const head = await fetch(`${world.app.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');

    for (const [method, path, allow] of [
      ['GET', '/slack/events', 'POST'],
      ['HEAD', '/slack/events', 'POST'],
      ['PUT', '/healthz', 'GET, HEAD'],
      ['DELETE', '/metrics', 'GET, HEAD'],
      ['OPTIONS', '/readyz', 'GET, HEAD'],
    ] as const) {
      const res = await fetch(`${world.app.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      await res.text();
    }
    const unknown = await fetch(`${world.app.url}/nothing-here`, { method: 'PATCH' });
    expect(unknown.status).toBe(404);
    const headUnknown = await fetch(`${world.app.url}/nothing-here`, { method: 'HEAD' });
    expect(headUnknown.status).toBe(404);
  });
});

describe('what the logs keep', () => {
  /** The bot at LOG_LEVEL=debug on the world's Slack and tenant, its log lines captured. */
  async function debugBot(env: Record<string, string>) {
    const redis = await freshRedis();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _e, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const config = loadConfig({
      SLACK_SIGNING_SECRET: world.slack.signingSecret,
      SLACK_BOT_TOKEN: world.slack.botToken,
      SLACK_API_URL: world.slack.apiUrl,
      ...graphEnv(world.graph, redis.prefix),
      LOG_LEVEL: 'debug',
      ...env,
    });
    const app = await startApp({
      config,
      policy: testPolicy(),
      log: createLogger(config.logLevel, sink, { bodies: config.logBodies }),
    });
    return {
      lines,
      app,
      close: async () => {
        await app.close();
        await redis.cleanup();
      },
    };
  }

  async function command(url: string, text: string) {
    const responseUrl = world.slack.responseUrl();
    const body = slashCommandBody({
      text,
      userId: TENANT.alice.slack,
      channelId: 'C0OPS',
      responseUrl,
      triggerId: world.slack.triggerId(),
      teamId: world.slack.teamId,
    });
    expect((await postToBot(`${url}/slack/events`, world.slack.signingSecret, body)).status).toBe(
      200,
    );
    await waitFor(
      () => world.slack.responses.find((r) => r.url === responseUrl),
      10_000,
      'the answer',
    );
  }

  const posted = (lines: readonly string[]) =>
    lines.some((l) => l.includes('"channel":"C0APPROVALS"') && l.includes('http request body'));

  it('leaves reasons and names out of debug logs unless LOG_BODIES=true', async () => {
    const reason = 'quarantine review for the finance mailbox INC8812';
    const quiet = await debugBot({});
    try {
      await command(quiet.app.url, `exo 1h ${reason}`);
      await waitFor(() => posted(quiet.lines), 10_000, 'the approval card posted');
      const text = quiet.lines.join('\n');
      expect(quiet.lines.some((l) => l.includes('"level":20'))).toBe(true);
      expect(text).toContain('[omitted: LOG_BODIES]');
      for (const secret of [reason, 'quarantine review', TENANT.alice.name, TENANT.alice.upn]) {
        expect(text).not.toContain(secret);
      }
    } finally {
      await quiet.close();
    }
    const loud = await debugBot({ LOG_BODIES: 'true' });
    try {
      await command(loud.app.url, `exo 1h ${reason} again`);
      await waitFor(() => posted(loud.lines), 10_000, 'the approval card posted');
      expect(loud.lines.join('\n')).toContain('quarantine review');
    } finally {
      await loud.close();
    }
  });
});

describe('metrics on a port of its own', () => {
  it('serves /metrics only on METRICS_PORT, behind METRICS_TOKEN', async () => {
    const token = 'scrape-token-0123456789abcdef';
    const redis = await freshRedis();
    const config = loadConfig({
      ...graphEnv(world.graph, redis.prefix),
      METRICS_PORT: '0',
      METRICS_TOKEN: token,
    });
    const app = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
    try {
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
      expect(app.metricsUrl).toBeDefined();
      expect((await fetch(`${app.metricsUrl}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${app.metricsUrl}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('elevate_http_requests_total');
      expect((await fetch(`${app.metricsUrl}/healthz`)).status).toBe(404);
    } finally {
      await app.close();
      await redis.cleanup();
    }
  });
});
