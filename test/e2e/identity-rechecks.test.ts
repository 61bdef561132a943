/**
 * Identity and re-checks through the running bot: signed Slack requests in, the real Bolt,
 * Web API and Graph clients against the stand-ins, and what Entra granted out. Each case is
 * an attack or a change that the bot used to let through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionBody, postToBot, slashCommandBody } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { ROLES, startWorld, TENANT, type World } from './world.ts';

const HOUR = 3_600_000;
let offset = 0;
let world: World;
beforeAll(async () => {
  world = await startWorld({ clock: { now: () => Date.now() + offset } });
});
afterAll(async () => {
  await world?.close();
});

const events = () => `${world.app.url}/slack/events`;

async function command(userId: string, text: string): Promise<string> {
  const responseUrl = world.slack.responseUrl();
  const body = slashCommandBody({
    text,
    userId,
    channelId: 'C0OPS',
    responseUrl,
    triggerId: world.slack.triggerId(),
    teamId: world.slack.teamId,
  });
  expect((await postToBot(events(), world.slack.signingSecret, body)).status).toBe(200);
  return answerAt(responseUrl, `reply to "${text}"`);
}

/** Clicks Approve as `userId`, from `teamId`; resolves to what the clicker was told, if anything. */
async function approveAs(userId: string, requestId: string, teamId = world.slack.teamId) {
  const responseUrl = world.slack.responseUrl();
  const body = blockActionBody({
    userId,
    teamId,
    actionId: 'elevate_approve',
    value: requestId,
    channelId: 'C0APPROVALS',
    messageTs: '1.1',
    responseUrl,
    triggerId: world.slack.triggerId(),
  });
  expect((await postToBot(events(), world.slack.signingSecret, body)).status).toBe(200);
  return responseUrl;
}

async function answerAt(url: string, what: string): Promise<string> {
  const reply = await waitFor(() => world.slack.responses.find((r) => r.url === url), 10_000, what);
  return JSON.stringify(reply.body);
}

/**
 * Alice asks for Exchange Administrator, first withdrawing (`/elevate cancel`) the request an
 * earlier case left waiting: a second open request for the same role is refused.
 */
async function pendingRequest(): Promise<string> {
  const waiting = await world.app.deps.store.listInStates(['pending_approval']);
  for (const r of waiting.filter((w) => w.requester.id === TENANT.alice.id)) {
    expect(await command(TENANT.alice.slack, `cancel ${r.id}`)).toContain(
      `Request ${r.id} is canceled`,
    );
  }
  const reply = await command(
    TENANT.alice.slack,
    'Exchange Administrator 2h fixing mail flow INC-4711',
  );
  expect(reply).toContain('sent to the approvers');
  return /R[0-9A-Z]{7,}/.exec(reply)?.[0] ?? '';
}

const stateOf = async (id: string) => (await world.app.deps.store.get(id))?.state;

/** Refused, and still waiting: nothing was approved or granted. */
async function expectRefused(id: string, url: string, words: string) {
  expect(await answerAt(url, 'the refusal')).toContain(words);
  expect(await stateOf(id)).toBe('pending_approval');
  expect((await world.app.deps.store.get(id))?.approvals).toEqual([]);
}

describe('approvers are people, not strings', () => {
  it('a user whose mail equals an approver address does not approve', async () => {
    world.graph.tenant.updateUser(TENANT.dave.id, { mail: TENANT.bob.upn });
    const id = await pendingRequest();
    await expectRefused(id, await approveAs(TENANT.dave.slack, id), 'not an approver');
    world.graph.tenant.updateUser(TENANT.dave.id, { mail: TENANT.dave.upn });
  });

  it('a request from another Slack workspace is refused', async () => {
    const id = await pendingRequest();
    await expectRefused(
      id,
      await approveAs(TENANT.bob.slack, id, 'T0OTHERORG'),
      'workspace it is installed in',
    );
  });

  it('a Slack Connect guest with an approver email is refused', async () => {
    world.slack.addUser({
      id: 'UGUEST0001',
      name: 'guest',
      email: TENANT.bob.upn,
      teamId: 'T0FABRIKAM',
    });
    const id = await pendingRequest();
    await expectRefused(id, await approveAs('UGUEST0001', id), 'workspace it is installed in');
  });

  it('an unconfirmed Slack email is nobody', async () => {
    world.slack.addUser({
      id: 'UMALLORY01',
      name: 'mallory',
      email: TENANT.bob.upn,
      emailConfirmed: false,
    });
    const id = await pendingRequest();
    await expectRefused(id, await approveAs('UMALLORY01', id), 'not confirmed');
  });
});

describe('accounts disabled in Entra stop at once, whatever the identity cache says', () => {
  it('a disabled approver cannot approve', async () => {
    const first = await pendingRequest();
    // Bob's identity is now in the cache (an hour).
    await expectRefused(first, await approveAs(TENANT.bob.slack, 'RNOSUCH000'), 'no request');
    world.graph.tenant.updateUser(TENANT.bob.id, { accountEnabled: false });
    await expectRefused(first, await approveAs(TENANT.bob.slack, first), 'disabled');
    world.graph.tenant.updateUser(TENANT.bob.id, { accountEnabled: true });
  });

  it('a disabled requester cannot submit', async () => {
    await pendingRequest();
    world.graph.tenant.updateUser(TENANT.alice.id, { accountEnabled: false });
    const reply = await command(
      TENANT.alice.slack,
      'Exchange Administrator 2h fixing mail flow INC-4712',
    );
    expect(reply).toContain('disabled');
    expect(reply).not.toContain('sent to the approvers');
    world.graph.tenant.updateUser(TENANT.alice.id, { accountEnabled: true });
  });
});

describe('facts are checked again when they matter', () => {
  it('a grant ends when the eligibility it was made under ends, and says so', async () => {
    const ends = Date.now() + 50 * 60_000;
    world.graph.tenant.removeEligibility(TENANT.alice.id, ROLES.helpdesk.id);
    world.graph.tenant.addEligibility({
      principalId: TENANT.alice.id,
      roleDefinitionId: ROLES.helpdesk.id,
      endDateTime: new Date(ends).toISOString(),
    });
    const reply = await command(
      TENANT.alice.slack,
      'Helpdesk Administrator 2h resetting passwords INC-4713',
    );
    expect(reply).not.toContain('not eligible');
    const grant = await waitFor(
      () =>
        world.graph.tenant
          .activeAssignments()
          .find(
            (a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.helpdesk.id,
          ),
      10_000,
      'the Helpdesk assignment',
    );
    const end = Date.parse(grant.endDateTime ?? '');
    expect(end).toBeLessThanOrEqual(ends);
    expect(end).toBeGreaterThan(ends - 60_000);
    const told = await waitFor(
      () =>
        world.slack
          .messagesIn(world.slack.dmOf(TENANT.alice.slack))
          .find(
            (m) => m.text.includes('is active until') && m.text.includes('cut: the eligibility'),
          ),
      10_000,
      'the requester told of the cut',
    );
    expect(told.text).toContain('Helpdesk Administrator');
  });

  it('a pending request past its approval timeout is not approved by a click', async () => {
    const id = await pendingRequest();
    // The approval-timeout job is an hour away in real time; the bot's clock is past it.
    offset = HOUR + 60_000;
    try {
      await expectRefused(id, await approveAs(TENANT.bob.slack, id), 'has run out');
      expect(
        world.graph.tenant
          .activeAssignments()
          .some((a) => a.roleDefinitionId === ROLES.exchange.id),
      ).toBe(false);
    } finally {
      offset = 0;
    }
  });
});
