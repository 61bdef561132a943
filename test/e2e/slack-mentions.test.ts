/**
 * `/elevate history @someone` on Slack, through the running bot and the Web API stand-in:
 * the plain `@jane` Slack sends with `should_escape: false` (resolved through users.list),
 * the escaped `<@U…|jane>`, an email, and a name that matches nobody, which answers with the
 * closest members instead of the text that was typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToBot, slashCommandBody } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { startWorld, TENANT, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
  // Alice's grant, so her history has a line to show.
  const reply = await command(TENANT.alice, 'Helpdesk Administrator 1h reset a locked account');
  expect(reply).toMatch(/R[0-9A-Z]{7,}/);
});
afterAll(async () => {
  await world?.close();
});

type Person = (typeof TENANT)[keyof typeof TENANT];

async function command(who: Person, text: string): Promise<string> {
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
  expect(res.status).toBe(200);
  const reply = await waitFor(
    () => world.slack.responses.find((r) => r.url === responseUrl),
    10_000,
    `reply to "${text}"`,
  );
  return JSON.stringify(reply.body);
}

/** Carol is an auditor: she may read anybody's history. */
const historyOf = (mention: string) => command(TENANT.carol, `history ${mention}`);
const showsAlice = (reply: string) => {
  expect(reply).not.toMatch(/cannot find/);
  expect(reply).toMatch(/Alice Admin · Helpdesk Administrator/);
};
const listCalls = () => world.slack.calls.filter((c) => c.method === 'users.list');

describe('Slack mentions in /elevate history', () => {
  it('resolves a plain @name, as Slack sends it unescaped, through users.list', async () => {
    const before = listCalls().length;
    showsAlice(await historyOf('@alice'));
    expect(listCalls().length).toBeGreaterThan(before);
    expect(listCalls().at(-1)?.args.limit).toBeDefined();
  });

  it('resolves an escaped <@U…|name> mention by its user id', async () => {
    showsAlice(await historyOf(`<@${TENANT.alice.slack}|alice>`));
    showsAlice(await historyOf(`<@${TENANT.alice.slack}>`));
  });

  it('resolves an email, with or without the @ in front', async () => {
    showsAlice(await historyOf('alice@contoso.com'));
    showsAlice(await historyOf('@alice@contoso.com'));
  });

  it('answers a name that matches nobody with the closest members', async () => {
    const reply = await historyOf('@alcie');
    expect(reply).toMatch(/cannot find/);
    expect(reply).toMatch(/closest people: `@alice \(Alice Admin\)`/);
  });

  it('keeps the member list for a while instead of listing on every mention', async () => {
    const before = listCalls().length;
    showsAlice(await historyOf('@alice'));
    await historyOf('@nobody');
    expect(listCalls().length).toBe(before);
  });
});
