/**
 * Eligibility reviews on Slack end to end: the reviews start with the bot, Bob gets a card per
 * target in his DM; Keep, and Remove with a reason in a modal that ends the eligibility in the
 * Graph stand-in; Alice cannot review herself; `/elevate review`; one reminder, then overdue
 * to the security channel; a summary when a review is done.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueName } from '../../jobs/names.ts';
import { postToBot, viewSubmissionBody } from '../standins/slack/index.ts';
import { waitFor } from '../support/wait.ts';
import { REVIEWS_POLICY, reviewIdIn } from './reviews.ts';
import {
  answerAt,
  clickButton,
  ROLES,
  securityPost,
  slashCommand,
  startWorld,
  TENANT,
  type World,
} from './world.ts';

const HOUR = 3_600_000;
let offset = 0;
let world: World;
beforeAll(async () => {
  world = await startWorld({ policy: REVIEWS_POLICY, clock: { now: () => Date.now() + offset } });
});
afterAll(async () => {
  await world?.close();
});

type Person = (typeof TENANT)[keyof typeof TENANT];

/** The review card for `title` in `who`'s DM, as JSON; undefined until it is there. */
const card = (who: Person, title: string, needle = '') =>
  world.slack
    .messagesIn(world.slack.dmOf(who.slack))
    .map((m) => JSON.stringify(m.blocks))
    .find((b) => b.includes(`Eligibility review: ${title}`) && b.includes(needle));

const cardWith = (who: Person, title: string, needle: string) =>
  waitFor(() => card(who, title, needle), 10_000, `${title} card with "${needle}"`);

const security = (needle: string) => securityPost(world, needle);

const click = (who: Person, actionId: string, value: string) =>
  clickButton(world, who, actionId, value, world.slack.dmOf(who.slack));
const answerTo = (url: string) => answerAt(world, url);

const aliceEligible = (roleId: string) =>
  world.graph.tenant
    .eligibilities()
    .some((e) => e.principalId === TENANT.alice.id && e.roleDefinitionId === roleId);

describe('eligibility reviews on Slack', () => {
  it('sends each reviewer a card per target with the eligible people and their activity', async () => {
    const exchange = await cardWith(TENANT.bob, 'Exchange Administrator', 'elevate_review_keep');
    expect(exchange).toContain('Alice Admin (alice@contoso.com)');
    expect(exchange).toContain('never activated through elevate');
    expect(exchange).toContain('0 activations in the period');
    expect(exchange).toContain('elevate_review_remove');
    await cardWith(TENANT.bob, 'Helpdesk Administrator', 'elevate_review_keep');
    await cardWith(TENANT.alice, 'Global Administrator', 'elevate_review_keep');
    // Dave reviews nothing and is sent nothing.
    expect(card(TENANT.dave, 'Exchange Administrator')).toBeUndefined();
    const open = await slashCommand(world, TENANT.bob, 'review');
    expect(open).toContain('Eligibility review: Exchange Administrator');
    expect(open).toContain('Eligibility review: Global Administrator');
    expect(await slashCommand(world, TENANT.dave, 'review')).toContain(
      'Nothing is waiting for your review',
    );
  });

  it('Keep records the decision on every card and summarises the finished review', async () => {
    const json = await cardWith(TENANT.bob, 'Helpdesk Administrator', 'elevate_review_keep');
    const id = reviewIdIn(json, 'helpdesk-administrator');
    const answer = await answerTo(
      await click(TENANT.bob, 'elevate_review_keep', `${id}|${TENANT.alice.id}`),
    );
    expect(answer).toContain('Kept by Bob Approver');
    await cardWith(TENANT.bob, 'Helpdesk Administrator', 'Kept by Bob Approver');
    expect(card(TENANT.bob, 'Helpdesk Administrator', 'elevate_review_keep')).toBeUndefined();
    const summary = await security('Eligibility review of Helpdesk Administrator done');
    expect(summary.text).toContain('1 kept, 0 removed');
    expect(aliceEligible(ROLES.helpdesk.id)).toBe(true);
  });

  it('Remove asks why, then ends the eligibility through PIM', async () => {
    const json = await cardWith(TENANT.bob, 'Exchange Administrator', 'elevate_review_remove');
    const value = `${reviewIdIn(json, 'exchange-administrator')}|${TENANT.alice.id}`;
    const views = world.slack.views.length;
    await click(TENANT.bob, 'elevate_review_remove', value);
    const modal = await waitFor(() => world.slack.views[views], 10_000, 'the reason modal');
    expect(JSON.stringify(modal.view)).toContain('Why should Alice Admin no longer be eligible?');
    expect(aliceEligible(ROLES.exchange.id)).toBe(true);
    const submit = (reason: string) =>
      postToBot(
        `${world.app.url}/slack/events`,
        world.slack.signingSecret,
        viewSubmissionBody({
          userId: TENANT.bob.slack,
          teamId: world.slack.teamId,
          callbackId: 'elevate_review_remove',
          privateMetadata: value,
          values: { reason: { value: { type: 'plain_text_input', value: reason } } },
        }),
      );
    const empty = await submit('  ');
    expect(empty.body).toContain('Say why in a few words');
    expect((await submit('moved to the finance team')).status).toBe(200);
    await waitFor(() => (aliceEligible(ROLES.exchange.id) ? null : true), 10_000, 'removed');
    const call = world.graph.calls.find(
      (c) => c.method === 'POST' && c.path.endsWith('/roleEligibilityScheduleRequests'),
    );
    expect(call?.body).toMatchObject({
      action: 'adminRemove',
      principalId: TENANT.alice.id,
      roleDefinitionId: ROLES.exchange.id,
    });
    expect(JSON.stringify(call?.body)).toContain('moved to the finance team');
    await cardWith(TENANT.bob, 'Exchange Administrator', 'Removed by Bob Approver');
    const summary = await security('Eligibility review of Exchange Administrator done');
    expect(summary.text).toContain('0 kept, 1 removed');
    // Alice, no longer eligible, cannot request it.
    expect(await slashCommand(world, TENANT.alice, 'exo 1h fixing mail flow INC-4711')).toContain(
      'not eligible',
    );
  });

  it('refuses a reviewer on their own eligibility; re-sends once, then reports it overdue', async () => {
    const json = await cardWith(TENANT.alice, 'Global Administrator', 'elevate_review_keep');
    const id = reviewIdIn(json, 'global-administrator');
    expect(
      await answerTo(await click(TENANT.alice, 'elevate_review_keep', `${id}|${TENANT.alice.id}`)),
    ).toContain('You cannot review your own eligibility');
    const connection = world.redis.redis.duplicate({ maxRetriesPerRequest: null });
    const remind = new Queue(queueName('review-remind'), {
      connection,
      prefix: world.redis.prefix,
    });
    const due = new Queue(queueName('review-due'), { connection, prefix: world.redis.prefix });
    try {
      const globalCards = () =>
        world.slack
          .messagesIn(world.slack.dmOf(TENANT.bob.slack))
          .filter((m) =>
            JSON.stringify(m.blocks).includes('Eligibility review: Global Administrator'),
          ).length;
      await waitFor(() => (globalCards() === 1 ? true : null), 10_000, "Bob's first card");
      const reminder = await remind.getJob(`review-remind-${id}`);
      if (!reminder) throw new Error('no review-remind job');
      offset = HOUR + 60_000;
      await reminder.promote();
      await cardWith(TENANT.bob, 'Global Administrator', 'Reminder: please decide the rest');
      // Re-sent once: a second message, not an edit of the first.
      await waitFor(() => (globalCards() === 2 ? true : null), 10_000, 'the re-sent card');
      expect(globalCards()).toBe(2);
      const deadline = await due.getJob(`review-due-${id}`);
      if (!deadline) throw new Error('no review-due job');
      offset = 2 * HOUR + 60_000;
      await deadline.promote();
      const overdue = await security('The eligibility review of Global Administrator is overdue');
      expect(overdue.text).toContain('1 of 1 undecided');
      // Both cards, the first and the reminder, follow: closed, no buttons.
      await waitFor(
        () => (card(TENANT.bob, 'Global Administrator', 'elevate_review_keep') ? null : true),
        10_000,
        'every Global Administrator card closed',
      );
      await cardWith(TENANT.bob, 'Global Administrator', 'Overdue since');
    } finally {
      offset = 0;
      await remind.close();
      await due.close();
      await connection.quit();
    }
    const history = await slashCommand(world, TENANT.bob, 'review history');
    expect(history).toContain('Removed by Bob Approver');
    expect(history).toContain('moved to the finance team');
  });

  it('reviews a PIM group and an Azure role too: Keep the member, Remove the Azure eligibility through ARM', async () => {
    const group = await cardWith(TENANT.bob, 'group Payments Oncall', 'elevate_review_keep');
    expect(group).toContain('Alice Admin (alice@contoso.com)');
    // Bob holds ownership, not membership: only membership is reviewed here.
    expect(group).not.toContain('Bob Approver (bob@contoso.com)');
    const groupId = reviewIdIn(group, 'group-payments-oncall');
    await answerTo(await click(TENANT.bob, 'elevate_review_keep', `${groupId}|${TENANT.alice.id}`));
    await security('Eligibility review of Payments Oncall done');

    const azure = await cardWith(TENANT.bob, 'Reader on rg-app', 'elevate_review_remove');
    expect(azure).toContain('Alice Admin (alice@contoso.com)');
    const value = `${reviewIdIn(azure, 'reader-on-rg-app')}|${TENANT.alice.id}`;
    await click(TENANT.bob, 'elevate_review_remove', value);
    const res = await postToBot(
      `${world.app.url}/slack/events`,
      world.slack.signingSecret,
      viewSubmissionBody({
        userId: TENANT.bob.slack,
        teamId: world.slack.teamId,
        callbackId: 'elevate_review_remove',
        privateMetadata: value,
        values: { reason: { value: { type: 'plain_text_input', value: 'no deploys any more' } } },
      }),
    );
    expect(res.status).toBe(200);
    await cardWith(TENANT.bob, 'Reader on rg-app', 'Removed by Bob Approver');
    const removal = world.graph.calls.find(
      (c) =>
        c.method === 'PUT' &&
        c.path.includes('/roleEligibilityScheduleRequests/') &&
        JSON.stringify(c.body).includes('AdminRemove'),
    );
    expect(removal?.path).toContain('/resourceGroups/rg-app/');
    expect(JSON.stringify(removal?.body)).toContain(TENANT.alice.id);
  });
});
