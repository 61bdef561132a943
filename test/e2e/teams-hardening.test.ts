/**
 * Teams at the edge, through the running bot with an app id and real channel tokens
 * (docs/security.md "HTTP, Slack and Teams"): bodies that are not activities, cards read by
 * request id, and the unauthenticated mode kept to this machine.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PEOPLE } from '../../adapters/entra-sim/sandbox-world.ts';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { startSandbox } from '../../bot/sandbox.ts';
import {
  invokeActivity,
  messageActivity,
  postActivity,
  startBotConnectorStandIn,
} from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, startTenant, TENANT, testPolicy } from './world.ts';

let graph: GraphStandIn;
let teams: TeamsChannel;
let redis: FreshRedis;
let app: RunningApp;

beforeAll(async () => {
  graph = await startTenant();
  teams = await startTeamsChannel();
  redis = await freshRedis();
  const config = loadConfig({ ...graphEnv(graph, redis.prefix), ...teams.env });
  app = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
});
afterAll(async () => {
  await app?.close();
  await teams?.close();
  await graph?.close();
  await redis?.cleanup();
});

type Person = (typeof TENANT)[keyof typeof TENANT];
const user = (p: Person) => ({ id: `29:${p.slack}`, name: p.name, aadObjectId: p.id });
const personal = (p: Person) => ({
  id: `a:1-${p.slack}`,
  conversationType: 'personal' as const,
  tenantId: 'contoso-tenant',
});
const messages = () => `${app.url}/api/messages`;
const REASON = 'rotating the transport rule secrets INC5150';

async function submit(): Promise<string> {
  const conversation = personal(TENANT.alice);
  const before = teams.connector.activitiesIn(conversation.id).length;
  const activity = messageActivity({
    text: `/elevate exo 1h ${REASON}`,
    from: user(TENANT.alice),
    conversation,
    serviceUrl: teams.connector.serviceUrl,
  });
  expect((await teams.post(messages(), activity)).status).toBe(200);
  const reply = await waitFor(
    () => teams.connector.activitiesIn(conversation.id)[before],
    5_000,
    'the answer to the request',
  );
  const id = /R[0-9A-Z]{7,}/.exec(JSON.stringify(reply.activity))?.[0];
  if (!id) throw new Error('no request id in the answer');
  return id;
}

async function click(p: Person, verb: string, requestId: string): Promise<string> {
  const activity = invokeActivity({
    verb,
    data: { requestId },
    from: user(p),
    conversation: personal(p),
    serviceUrl: teams.connector.serviceUrl,
  });
  const res = await teams.post(messages(), activity);
  expect(res.status).toBe(200);
  return JSON.stringify(res.body);
}

describe('Teams bodies that are not activities', () => {
  it('answers 400 with what is missing, never 500, signed or not', async () => {
    const good = messageActivity({
      text: 'help',
      from: user(TENANT.alice),
      conversation: personal(TENANT.alice),
      serviceUrl: teams.connector.serviceUrl,
    });
    const { from: _from, ...noFrom } = good;
    for (const body of [
      {},
      { type: 'message' },
      { ...good, type: '' },
      noFrom,
      { ...good, conversation: {} },
      { ...good, serviceUrl: 'not a url' },
    ]) {
      for (const res of [
        await teams.post(messages(), body),
        await postActivity(messages(), body),
      ]) {
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(JSON.stringify(res.body)).toMatch(/not a Bot Framework activity/);
      }
    }
    for (const raw of ['[]', '"text"', 'not json']) {
      const res = await fetch(messages(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: raw,
      });
      expect(res.status, raw).toBe(400);
    }
    const head = await fetch(messages(), { method: 'HEAD' });
    expect([head.status, head.headers.get('allow')]).toEqual([405, 'POST']);
  });
});

describe('Teams failures', () => {
  it('answers a failure inside botbuilder with a fixed body, not the upstream error text', async () => {
    // The issuer's keys cannot be fetched: botbuilder fails the turn with a plain Error whose
    // message names the metadata URL and the fetch failure, and sends it as the 500 body.
    const prefix = await freshRedis();
    const dead = 'http://127.0.0.1:9/deadbeef/v1/.well-known/openidconfiguration';
    const config = loadConfig({
      ...graphEnv(graph, prefix.prefix),
      ...teams.env,
      BOT_OPENID_METADATA: dead,
    });
    const broken = await startApp({ config, policy: testPolicy(), log: createLogger('silent') });
    try {
      const activity = messageActivity({
        text: 'help',
        from: user(TENANT.alice),
        conversation: personal(TENANT.alice),
        serviceUrl: teams.connector.serviceUrl,
      });
      const res = await teams.post(`${broken.url}/api/messages`, activity);
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toMatch(/deadbeef|127\.0\.0\.1|request to/i);
      expect(res.body).toEqual({ error: 'internal error' });
    } finally {
      await broken.close();
      await prefix.cleanup();
    }
  });
});

describe('Teams cards read by request id', () => {
  it('shows the card to the requester, the approvers and the auditors, and a neutral card to anyone else', async () => {
    const id = await submit();
    for (const reader of [TENANT.alice, TENANT.bob, TENANT.carol]) {
      const card = await click(reader, 'refresh', id);
      expect(card, reader.name).toContain(REASON);
      expect(card, reader.name).toContain(TENANT.alice.name);
    }
    const outsider = await click(TENANT.dave, 'refresh', id);
    expect(outsider).toContain('open only to its requester, its approvers and the auditors');
    expect(outsider).not.toContain(REASON);
    expect(outsider).not.toContain(TENANT.alice.name);
    expect(outsider).not.toContain('Exchange Administrator');

    // A refused click does not show the card either, and changes nothing.
    for (const verb of ['approve', 'deny', 'deactivate']) {
      const refused = await click(TENANT.dave, verb, id);
      expect(refused, verb).not.toContain(REASON);
      expect(refused, verb).not.toContain(TENANT.alice.name);
    }
    expect((await app.deps.store.get(id))?.state).toBe('pending_approval');
  });
});

describe('unauthenticated Teams', () => {
  it('runs only as the sandbox, reachable on 127.0.0.1 and on no other address, favicon and HEAD included', async () => {
    const emulator = await startBotConnectorStandIn();
    const config = loadConfig({
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
      TEAMS_SERVICE_URL: emulator.serviceUrl,
      PORT: '0',
    });
    expect(config).toMatchObject({ sandbox: true, host: '127.0.0.1', azure: null });
    const sandboxRedis = await freshRedis();
    const sandbox = await startSandbox({
      config,
      log: createLogger('silent'),
      prefix: sandboxRedis.prefix,
    });
    try {
      const { port } = new URL(sandbox.url);
      const local = await postActivity(`http://127.0.0.1:${port}/api/messages`, {});
      expect(local.status).toBe(400);
      // An emulator's activity, no token: the simulated tenant's Alice asks for her roles.
      const alice = SANDBOX_PEOPLE[0];
      if (!alice) throw new Error('no sandbox people');
      const conversation = {
        id: 'a:1-alice',
        conversationType: 'personal' as const,
        tenantId: 'sandbox',
      };
      const said = messageActivity({
        text: 'roles',
        from: { id: '29:alice', name: alice.name, aadObjectId: alice.id },
        conversation,
        serviceUrl: emulator.serviceUrl,
      });
      expect((await postActivity(`http://127.0.0.1:${port}/api/messages`, said)).status).toBe(200);
      const reply = await waitFor(
        () => emulator.activitiesIn(conversation.id)[0],
        10_000,
        'the answer in the emulator',
      );
      expect(JSON.stringify(reply.activity)).toContain('Exchange Administrator');
      const icon = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
      expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/png']);
      expect(
        Buffer.from(await icon.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
      const page = await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' });
      expect([page.status, await page.text()]).toEqual([200, '']);
      const events = await fetch(`http://127.0.0.1:${port}/api/events`, { method: 'HEAD' });
      expect([events.status, events.headers.get('content-type')]).toEqual([
        200,
        'text/event-stream',
      ]);
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (outside) {
        await expect(fetch(`http://${outside}:${port}/healthz`)).rejects.toThrow();
      }
    } finally {
      await sandbox.close();
      await emulator.close();
      await sandboxRedis.cleanup();
    }
  });
});
