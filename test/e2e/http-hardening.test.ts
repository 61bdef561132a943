/**
 * The HTTP edge through the running bot (docs/security.md "HTTP, Slack and Teams"): Slack
 * requests replayed under another spelling of the same signature, payloads without a user,
 * methods a route does not serve, and the metrics endpoint.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommandBody } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { startWorld, TENANT, type World } from './world.ts';

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
