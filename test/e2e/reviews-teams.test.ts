/**
 * Eligibility reviews on Teams end to end, through the real CloudAdapter and the Bot
 * Connector stand-in: `review` shows a reviewer the open cards; Keep, and Remove with the
 * reason typed on the card (Action.Execute) ending the eligibility in the Graph stand-in;
 * nobody reviews themselves; the reminder reaches the reviewer's 1:1 chat; a summary and an
 * overdue post reach the security channel.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueName } from '../../jobs/names.ts';
import { waitFor } from '../support/wait.ts';
import { REVIEWS_POLICY, reviewIdIn } from './reviews.ts';
import { securityText, startTeamsWorld, type TeamsWorld, unescaped } from './teams-world.ts';
import { ROLES, TENANT } from './world.ts';

const HOUR = 3_600_000;
let offset = 0;
let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld({
    policy: REVIEWS_POLICY,
    clock: { now: () => Date.now() + offset },
  });
  // The bot reaches a person's 1:1 chat once they have written to it.
  for (const p of [TENANT.bob, TENANT.alice]) await w.say(p, 'help');
});
afterAll(async () => {
  await w?.close();
});

const security = (needle: string) => securityText(w, needle);

/** `review` typed by Bob until the reviews, started with the bot, are there. */
async function openReviews(): Promise<string> {
  for (let tries = 0; tries < 50; tries++) {
    const reply = unescaped(await w.say(TENANT.bob, 'review'));
    if (reply.includes('Eligibility review: Global Administrator')) return reply;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the reviews did not start');
}

const aliceEligible = (roleId: string) =>
  w.graph.tenant
    .eligibilities()
    .some((e) => e.principalId === TENANT.alice.id && e.roleDefinitionId === roleId);

describe('eligibility reviews on Teams', () => {
  it('shows the open reviews, keeps, and removes with the reason typed on the card', async () => {
    const open = await openReviews();
    expect(open).toContain('Eligibility review: Exchange Administrator');
    expect(open).toContain('Alice Admin (alice@contoso.com)');
    expect(open).toContain('"verb":"reviewKeep"');
    expect(open).toContain('Why should Alice Admin no longer be eligible?');
    const helpdesk = reviewIdIn(open, 'helpdesk-administrator');
    const exchange = reviewIdIn(open, 'exchange-administrator');

    const kept = unescaped(
      await w.act(TENANT.bob, 'reviewKeep', { reviewId: helpdesk, principalId: TENANT.alice.id }),
    );
    expect(kept).toContain('Kept by Bob Approver');
    expect(await security('Eligibility review of Helpdesk Administrator done')).toContain(
      '1 kept, 0 removed',
    );

    const data = { reviewId: exchange, principalId: TENANT.alice.id };
    const noReason = unescaped(await w.act(TENANT.bob, 'reviewRemove', data));
    expect(noReason).toContain('Say why Alice Admin should lose the eligibility');
    expect(aliceEligible(ROLES.exchange.id)).toBe(true);
    const removed = unescaped(
      await w.act(TENANT.bob, 'reviewRemove', {
        ...data,
        [`reason_${TENANT.alice.id}`]: 'moved to the finance team',
      }),
    );
    expect(removed).toContain('Removed by Bob Approver');
    expect(removed).toContain('moved to the finance team');
    expect(aliceEligible(ROLES.exchange.id)).toBe(false);
    expect(await security('Eligibility review of Exchange Administrator done')).toContain(
      'Removed Alice Admin (by Bob Approver): moved to the finance team',
    );
    // Decided already: a second click says by whom.
    expect(unescaped(await w.act(TENANT.bob, 'reviewKeep', data))).toContain(
      'review of Exchange Administrator is closed',
    );
  });

  it('refuses a reviewer on themselves; the reminder reaches the 1:1 chat, then it is overdue', async () => {
    const open = await openReviews();
    const id = reviewIdIn(open, 'global-administrator');
    const self = unescaped(
      await w.act(TENANT.alice, 'reviewKeep', { reviewId: id, principalId: TENANT.alice.id }),
    );
    expect(self).toContain('You cannot review your own eligibility');
    // The refused card still shows the review, with its buttons.
    expect(self).toContain('Eligibility review: Global Administrator');
    const connection = w.redis.redis.duplicate({ maxRetriesPerRequest: null });
    const remind = new Queue(queueName('review-remind'), { connection, prefix: w.redis.prefix });
    const due = new Queue(queueName('review-due'), { connection, prefix: w.redis.prefix });
    try {
      const reminder = await remind.getJob(`review-remind-${id}`);
      if (!reminder) throw new Error('no review-remind job');
      offset = HOUR + 60_000;
      await reminder.promote();
      await waitFor(
        () =>
          w
            .personalTexts(TENANT.bob)
            .map(unescaped)
            .find((t) => t.includes('Reminder: please decide the rest')),
        10_000,
        "the reminder in Bob's chat",
      );
      const deadline = await due.getJob(`review-due-${id}`);
      if (!deadline) throw new Error('no review-due job');
      offset = 2 * HOUR + 60_000;
      await deadline.promote();
      expect(await security('The eligibility review of Global Administrator is overdue')).toContain(
        'Undecided: Alice Admin',
      );
    } finally {
      offset = 0;
      await remind.close();
      await due.close();
      await connection.quit();
    }
  });
});
