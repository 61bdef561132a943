/**
 * Redis as a trust boundary, through the running bot: someone who can write Redis (but has
 * neither the bot's HMAC key nor its log) rewrites what the bot keeps there, with plain
 * SET/HSET as they would. The bot refuses what does not carry its seal, says so in the
 * security channel and the metrics, and never acts on it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionBody, postToBot } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { ROLES, slashCommand, startWorld, TENANT, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

type Person = (typeof TENANT)[keyof typeof TENANT];
const events = () => `${world.app.url}/slack/events`;
const key = (rest: string) => `${world.redis.prefix}:${rest}`;

const command = (who: Person, text: string) => slashCommand(world, who, text);

/** Clicks Approve on the request's card and returns the bot's answer to the clicker. */
async function approve(who: Person, requestId: string): Promise<string> {
  const card = await waitFor(
    () =>
      world.slack
        .messagesIn('C0APPROVALS')
        .find((m) => JSON.stringify(m.blocks).includes(requestId)),
    5_000,
    'approval card',
  );
  const responseUrl = world.slack.responseUrl();
  const body = blockActionBody({
    userId: who.slack,
    teamId: world.slack.teamId,
    actionId: 'elevate_approve',
    value: requestId,
    channelId: 'C0APPROVALS',
    messageTs: card.ts,
    responseUrl,
    triggerId: world.slack.triggerId(),
  });
  expect((await postToBot(events(), world.slack.signingSecret, body)).status).toBe(200);
  const reply = await waitFor(
    () => world.slack.responses.find((r) => r.url === responseUrl),
    10_000,
    'answer to the click',
  );
  return JSON.stringify(reply.body);
}

const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const assigned = (roleId: string) =>
  world.graph.tenant
    .activeAssignments()
    .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === roleId);
const securityPosts = () => world.slack.messagesIn('C0SECURITY').map((m) => JSON.stringify(m));
const refusals = async (kind: string): Promise<number> => {
  const text = await (await fetch(`${world.app.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`elevate_integrity_refusals_total{kind="${kind}"}`));
  return Number(line?.split(' ').at(-1) ?? 0);
};

describe('Redis as a trust boundary', () => {
  it('refuses a forged identity-cache entry: a bystander does not approve as an approver', async () => {
    const id = requestIdIn(await command(TENANT.alice, 'exo 1h fixing mail flow INC-5101'));
    // One SET: Dave's Slack id now maps to Bob, an approver, in the shape the bot stores.
    const bob = { id: TENANT.bob.id, displayName: TENANT.bob.name, email: TENANT.bob.upn };
    await world.redis.redis.set(
      key(`identity:slack:${world.slack.teamId}:${TENANT.dave.slack}`),
      JSON.stringify(bob),
      'EX',
      3600,
    );
    expect(await approve(TENANT.dave, id)).toContain('not an approver');
    expect((await world.app.deps.store.get(id))?.state).toBe('pending_approval');
    expect(assigned(ROLES.exchange.id)).toBe(false);
    await waitFor(
      () =>
        securityPosts().some((p) => p.includes('identity-cache entry failed its integrity check')),
      5_000,
      'security alert',
    );
    expect(await refusals('identity')).toBeGreaterThanOrEqual(1);

    // A genuine sealed entry copied to another user's key does not count either.
    await command(TENANT.bob, 'status');
    const bobs = await world.redis.redis.get(
      key(`identity:slack:${world.slack.teamId}:${TENANT.bob.slack}`),
    );
    expect(bobs).toBeTruthy();
    await world.redis.redis.set(
      key(`identity:slack:${world.slack.teamId}:${TENANT.dave.slack}`),
      bobs ?? '',
      'EX',
      3600,
    );
    expect(await approve(TENANT.dave, id)).toContain('not an approver');
    expect((await world.app.deps.store.get(id))?.state).toBe('pending_approval');
  });

  it('refuses a request whose targets were rewritten: no Global Administrator, an alert', async () => {
    const id = requestIdIn(
      await command(TENANT.alice, 'exo 2h checking a transport rule INC-5102'),
    );
    const record = key(`req:${id}`);
    // One string: version, state, a binary seal, then the JSON (durationSeconds is `g`).
    const stored = (await world.redis.redis.getBuffer(record)) ?? Buffer.alloc(0);
    const json = stored.toString('latin1');
    const forged = json
      .replaceAll(ROLES.exchange.id, ROLES.global.id)
      .replaceAll(ROLES.exchange.name, ROLES.global.name)
      .replace(/"g":\d+/, '"g":28800');
    expect(forged).not.toBe(json);
    await world.redis.redis.set(record, Buffer.from(forged, 'latin1'));

    const answer = await approve(TENANT.bob, id);
    expect(answer).toContain(`There is no request \`${id}\``);
    expect(await world.app.deps.store.get(id)).toBeNull();
    // Whatever happens next, nothing is granted from the forged record.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(assigned(ROLES.global.id)).toBe(false);
    expect(
      world.graph.calls.some(
        (c) => c.method === 'POST' && JSON.stringify(c.body ?? '').includes(ROLES.global.id),
      ),
    ).toBe(false);
    await waitFor(
      () => securityPosts().some((p) => p.includes('access request failed its integrity check')),
      5_000,
      'security alert',
    );
    expect(securityPosts().some((p) => p.includes(record))).toBe(true);
    expect(await refusals('request')).toBeGreaterThanOrEqual(1);
    // History does not show the forged record either.
    expect(await command(TENANT.alice, 'history')).not.toContain(id);
  });

  it('refuses a made-up notify job: the bot does not post an attacker\'s "alert"', async () => {
    // The attacker's own BullMQ client on the bot's Redis, queueing a security "alert".
    const queue = new Queue('elevate-notify', {
      connection: world.redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: world.redis.prefix,
    });
    const before = await refusals('job');
    try {
      await queue.add(
        'alert',
        {
          type: 'alert',
          platform: 'slack',
          alert: {
            kind: 'stale_account',
            key: 'phish',
            title: 'Re-enter your password at https://login.contoso-sso.example',
            details: ['Your session expired.'],
            action: 'Sign in again now.',
            since: null,
          },
          occurrence: 'phish-1',
        },
        { jobId: 'slack-phish-1' },
      );
      await waitFor(
        async () => (await refusals('job')) > before,
        5_000,
        'forged notify job refused',
      );
      await waitFor(
        () => securityPosts().some((p) => p.includes('job payload failed its integrity check')),
        5_000,
        'security alert about the job',
      );
      expect(securityPosts().some((p) => p.includes('contoso-sso.example'))).toBe(false);
    } finally {
      await queue.close();
    }
  });
});

const run = promisify(execFile);

/** `npm start` as production would run it, stopped by its configuration before anything else. */
async function start(env: Record<string, string>): Promise<{ code: number; err: string }> {
  const production = {
    PATH: process.env.PATH ?? '',
    SLACK_SIGNING_SECRET: 'signing-secret',
    SLACK_BOT_TOKEN: 'xoxb-1',
    AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
    AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000001',
    AZURE_CLIENT_SECRET: 'client-secret',
    ...env,
  };
  try {
    await run(process.execPath, ['bot/main.ts'], { env: production, timeout: 20_000 });
    return { code: 0, err: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, err: e.stderr.trim() };
  }
}

describe('start-up in production', () => {
  it('refuses a Redis with neither a password nor TLS, unless REDIS_INSECURE=true', async () => {
    expect(await start({ REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual({
      code: 1,
      err: 'elevate: REDIS_URL (127.0.0.1:6379) has neither a password nor TLS: whoever reaches that Redis can rewrite requests and grants. Use rediss://… or redis://:<password>@127.0.0.1:6379, or set REDIS_INSECURE=true if only the bot can reach it.',
    });
    const insecure = await start({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_INSECURE: 'true' });
    expect(insecure.code).toBe(1);
    expect(insecure.err).toMatch(/^elevate: ELEVATE_HMAC_KEY is missing/);
  });
});
