/**
 * Slack end to end: signed requests to the running bot, the real Bolt, Web API and Graph
 * clients against the stand-ins, and assertions on what Slack and Entra received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockActionBody,
  postToBot,
  slashCommandBody,
  viewSubmissionBody,
} from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { ROLES, startWorld, TENANT, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

type Person = (typeof TENANT)[keyof typeof TENANT];
const events = () => `${world.app.url}/slack/events`;

/** A signed /elevate from `userId`: the ack's body, and the response_url given with it. */
async function send(userId: string, text: string) {
  const responseUrl = world.slack.responseUrl();
  const body = slashCommandBody({
    text,
    userId,
    channelId: 'C0OPS',
    responseUrl,
    triggerId: world.slack.triggerId(),
    teamId: world.slack.teamId,
  });
  const res = await postToBot(events(), world.slack.signingSecret, body);
  expect(res.status).toBe(200);
  return { ack: res.body, responseUrl };
}

async function command(who: Person, text: string) {
  const { responseUrl } = await send(who.slack, text);
  const reply = await waitFor(
    () => world.slack.responses.find((r) => r.url === responseUrl),
    10_000,
    `reply to "${text}"`,
  );
  return JSON.stringify(reply.body);
}

async function click(who: Person, actionId: string, requestId: string) {
  const card = world.slack
    .messagesIn('C0APPROVALS')
    .find((m) => JSON.stringify(m.blocks).includes(requestId));
  const responseUrl = world.slack.responseUrl();
  const body = blockActionBody({
    userId: who.slack,
    teamId: world.slack.teamId,
    actionId,
    value: requestId,
    channelId: 'C0APPROVALS',
    messageTs: card?.ts ?? '1.1',
    responseUrl,
    triggerId: world.slack.triggerId(),
  });
  const res = await postToBot(events(), world.slack.signingSecret, body);
  expect(res.status).toBe(200);
  return responseUrl;
}

const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const graphPosts = () =>
  world.graph.calls.filter(
    (c) =>
      c.method === 'POST' && c.path.endsWith('/roleAssignmentScheduleRequests') && c.status === 201,
  );
const cardFor = (id: string) =>
  world.slack.messagesIn('C0APPROVALS').find((m) => JSON.stringify(m.blocks).includes(id));
const buttonsOf = (id: string) =>
  (JSON.stringify(cardFor(id)?.blocks ?? []).match(/elevate_(approve|deny)/g) ?? []).length;

describe('Slack end to end', () => {
  it('requests, approves from the card, and grants through Graph', async () => {
    const reply = await command(
      TENANT.alice,
      'Exchange Administrator 2h fixing mail flow INC-4711',
    );
    expect(reply).toContain('sent to the approvers');
    const id = requestIdIn(reply);
    await waitFor(() => cardFor(id), 5_000, 'approval card');
    expect(buttonsOf(id)).toBe(2);
    expect(JSON.stringify(cardFor(id)?.blocks)).toContain('fixing mail flow INC-4711');
    await waitFor(
      () => world.slack.messagesIn(world.slack.dmOf(TENANT.bob.slack)).length > 0,
      5_000,
      'DM to the approver',
    );

    await click(TENANT.bob, 'elevate_approve', id);
    await waitFor(
      () =>
        world.graph.tenant
          .activeAssignments()
          .some(
            (a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.exchange.id,
          ),
      10_000,
      'assignment in Entra',
    );
    await waitFor(
      () => buttonsOf(id) === 0 && (cardFor(id)?.edits ?? 0) > 0,
      5_000,
      'card updated without buttons',
    );
    const security = await waitFor(
      () => world.slack.messagesIn('C0SECURITY').find((m) => m.text.includes(id)),
      5_000,
      'security channel',
    );
    expect(security.text).toContain('Alice Admin activated Exchange Administrator');
    const dm = await waitFor(
      () =>
        world.slack
          .messagesIn(world.slack.dmOf(TENANT.alice.slack))
          .find((m) => m.text.includes('is active until')),
      5_000,
      'requester told',
    );
    expect(dm.text).toContain('sign out and back in');
    expect(dm.text).toContain('up to 20m');
    const [post] = graphPosts();
    expect(post?.body).toMatchObject({
      action: 'adminAssign',
      principalId: TENANT.alice.id,
      roleDefinitionId: ROLES.exchange.id,
      ticketInfo: { ticketNumber: 'INC-4711' },
    });
    // Ended, so the cases below may ask for Exchange Administrator again.
    await command(TENANT.alice, `deactivate ${id}`);
    await waitFor(
      async () => (await world.app.deps.store.get(id))?.state === 'ended',
      10_000,
      'grant ended',
    );
  });

  it('denies with a reason from the modal', async () => {
    const id = requestIdIn(
      await command(TENANT.alice, 'exo 1h checking a transport rule INC-4712'),
    );
    await waitFor(() => cardFor(id), 5_000, 'card');
    const views = world.slack.views.length;
    await click(TENANT.bob, 'elevate_deny', id);
    await waitFor(() => world.slack.views.length > views, 5_000, 'deny modal');
    const submit = viewSubmissionBody({
      userId: TENANT.bob.slack,
      teamId: world.slack.teamId,
      callbackId: 'elevate_deny_reason',
      privateMetadata: id,
      values: {
        reason: { value: { type: 'plain_text_input', value: 'use the break-glass runbook' } },
      },
    });
    expect((await postToBot(events(), world.slack.signingSecret, submit)).status).toBe(200);
    await waitFor(
      () =>
        JSON.stringify(cardFor(id)?.blocks).includes(
          'Denied by Bob Approver: use the break-glass runbook',
        ),
      5_000,
      'card shows denial',
    );
    await waitFor(
      () =>
        world.slack
          .messagesIn(world.slack.dmOf(TENANT.alice.slack))
          .some((m) => m.text.includes('denied by Bob Approver')),
      5_000,
      'requester told',
    );
  });

  it('refuses self-approval, non-approvers and decided requests, with one Graph call for many clicks', async () => {
    const id = requestIdIn(
      await command(
        TENANT.alice,
        'Global Administrator 30m rotating a connector certificate INC-4713',
      ),
    );
    await waitFor(() => cardFor(id), 5_000, 'card');
    const self = await click(TENANT.alice, 'elevate_approve', id);
    const stranger = await click(TENANT.dave, 'elevate_approve', id);
    expect(
      JSON.stringify((await waitFor(() => world.slack.responses.find((r) => r.url === self))).body),
    ).toContain('cannot approve or deny your own request');
    expect(
      JSON.stringify(
        (await waitFor(() => world.slack.responses.find((r) => r.url === stranger))).body,
      ),
    ).toContain('not an approver');

    const before = graphPosts().length;
    const clicks = await Promise.all([
      click(TENANT.bob, 'elevate_approve', id),
      click(TENANT.bob, 'elevate_approve', id),
      click(TENANT.carol, 'elevate_approve', id),
    ]);
    await waitFor(() => graphPosts().length > before, 10_000, 'activation');
    const late = await Promise.all(
      clicks.map((url) =>
        waitFor(() => world.slack.responses.find((r) => r.url === url), 5_000).catch(() => null),
      ),
    );
    expect(late.filter((r) => r !== null).map((r) => JSON.stringify(r?.body))).toSatisfy(
      (bodies: string[]) => bodies.every((b) => /already/.test(b)),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(graphPosts().length).toBe(before + 1);
  });

  it('answers typos, too-long durations and roles one is not eligible for, with what to do', async () => {
    expect(await command(TENANT.alice, 'exchnge admn 2h fixing mail flow')).toContain(
      'Did you mean',
    );
    expect(await command(TENANT.alice, 'exo 6h fixing mail flow INC-1')).toContain('at most 4h');
    expect(await command(TENANT.dave, 'exo 1h fixing mail flow INC-1')).toContain('not eligible');
  });

  it('answers help and an empty command in the ack itself, before looking anyone up', async () => {
    const stranger = 'U0STRANGER';
    const ack = (text: string) => send(stranger, text);
    const help = await ack('help');
    expect(JSON.parse(help.ack)).toMatchObject({ response_type: 'ephemeral' });
    expect(help.ack).toContain('How to use /elevate');
    expect((await ack('   ')).ack).toContain('Tell me what you need');
    const lookups = () =>
      world.slack.calls.filter((c) => c.method === 'users.info' && c.args.user === stranger);
    expect(lookups()).toHaveLength(0);
    // Anything else is looked up first: a person Slack does not know gets told so.
    const status = await ack('status');
    expect(status.ack).toBe('');
    await waitFor(() => world.slack.responses.find((r) => r.url === status.responseUrl));
    expect(lookups().length).toBeGreaterThan(0);
    expect(world.slack.responses.filter((r) => r.url === help.responseUrl)).toHaveLength(0);
  });

  it('lists a role that needs MFA as needing a sign-in (slack-step-up.test.ts runs it)', async () => {
    expect(await command(TENANT.alice, 'roles')).toContain(
      'Security Administrator: up to 8h, no approval, needs an MFA sign-in',
    );
  });

  it('refuses forged and replayed requests and stores nothing', async () => {
    const body = slashCommandBody({
      text: 'exo 1h forged request INC-9',
      userId: TENANT.alice.slack,
      channelId: 'C0OPS',
      responseUrl: world.slack.responseUrl(),
      triggerId: world.slack.triggerId(),
      teamId: world.slack.teamId,
    });
    const keys = async () => (await world.redis.redis.keys(`${world.redis.prefix}:req:*`)).length;
    const stored = await keys();
    expect((await postToBot(events(), 'not-the-secret', body)).status).toBe(401);
    expect(
      (
        await postToBot(events(), world.slack.signingSecret, body, {
          timestamp: Math.floor(Date.now() / 1000) - 600,
        })
      ).status,
    ).toBe(401);
    const ts = Math.floor(Date.now() / 1000);
    expect(
      (await postToBot(events(), world.slack.signingSecret, body, { timestamp: ts })).status,
    ).toBe(200);
    expect(
      (await postToBot(events(), world.slack.signingSecret, body, { timestamp: ts })).status,
    ).toBe(401);
    await waitFor(
      async () => (await keys()) === stored + 1,
      5_000,
      'the one genuine request stored',
    );
    // Withdrawn, so the next case may ask for Exchange Administrator again.
    const [genuine] = (await world.app.deps.store.listInStates(['pending_approval'])).filter(
      (r) => r.requester.id === TENANT.alice.id && r.reason === 'forged request INC-9',
    );
    expect(await command(TENANT.alice, `cancel ${genuine?.id}`)).toContain('is canceled');
  });

  it('refuses a second request for a role already waiting, before any approver sees it', async () => {
    const first = requestIdIn(
      await command(TENANT.alice, 'exo 1h checking the journaling rules INC-4715'),
    );
    await waitFor(() => cardFor(first), 5_000, 'card');
    // The approver's own copy comes apart from the channel's: count once both are in.
    const bobDm = () => world.slack.messagesIn(world.slack.dmOf(TENANT.bob.slack));
    await waitFor(() => bobDm().some((m) => JSON.stringify(m).includes(first)), 5_000, 'DM');
    const cards = world.slack.messagesIn('C0APPROVALS').length;
    const bobDms = world.slack.messagesIn(world.slack.dmOf(TENANT.bob.slack)).length;
    const stored = (await world.app.deps.store.listAll({ limit: 1000 })).items.length;

    const again = await command(TENANT.alice, 'exo 2h checking the journaling rules INC-4716');
    expect(again).toContain(`You already have request \`${first}\``);
    expect(again).toContain('pending approval');
    expect(again).toContain(`/elevate cancel ${first}`);
    expect(again).not.toContain('sent to the approvers');
    // Give a wrongly posted card time to show up, then check none did.
    await new Promise((r) => setTimeout(r, 500));
    expect(world.slack.messagesIn('C0APPROVALS').length).toBe(cards);
    expect(world.slack.messagesIn(world.slack.dmOf(TENANT.bob.slack)).length).toBe(bobDms);
    expect((await world.app.deps.store.listAll({ limit: 1000 })).items.length).toBe(stored);

    expect(await command(TENANT.alice, `cancel ${first}`)).toContain('is canceled');
  });

  it('keeps hostile text from mentioning or linking', async () => {
    const id = requestIdIn(
      await command(
        TENANT.alice,
        'exo 1h <!channel> see <https://evil.example|this> @here INC-4714',
      ),
    );
    const card = await waitFor(() => cardFor(id), 5_000, 'card');
    expect(card.text).not.toMatch(/<!channel>|<https:|@here/);
    const mrkdwn = JSON.stringify(card.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [];
    expect(mrkdwn.join('')).not.toMatch(/<!|<https:|@here/);
  });
});

describe('operations endpoints', () => {
  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${world.app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${world.app.url}/readyz`);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { redis: 'ok', queues: 'ok', policy: 'ok' },
    });
    const text = await (await fetch(`${world.app.url}/metrics`)).text();
    expect(text).toMatch(
      /elevate_http_requests_total\{route="POST \/slack\/events",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /elevate_http_requests_total\{route="POST \/slack\/events",status="401"\} [1-9]/,
    );
    expect(text).toMatch(
      /elevate_http_request_duration_seconds_bucket\{le="0.005",route="POST \/slack\/events"\} [1-9]/,
    );
    expect(text).toMatch(/elevate_requests_total\{outcome="activated"\} [1-9]/);
    expect(text).toMatch(/elevate_graph_calls_total\{status="201"\} [1-9]/);
    expect(text).toContain('# TYPE elevate_graph_errors_total counter');
    expect(text).toMatch(/elevate_queue_depth \d+/);
  });
});
