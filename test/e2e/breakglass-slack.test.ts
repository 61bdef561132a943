/**
 * Break-glass on Slack end to end: signed requests into the running bot, the Graph stand-in
 * granting. Alice confirms and is activated at once without approval; the security channel
 * and every approver hear it; an approver acknowledges; someone not allowed is refused; a use
 * nobody acknowledges escalates to the security channel and the backup approver after the
 * deadline.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueName } from '../../jobs/names.ts';
import { waitFor } from '../support/wait.ts';
import { BREAKGLASS_POLICY, requestIdIn } from './breakglass.ts';
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
  world = await startWorld({
    policy: BREAKGLASS_POLICY,
    clock: { now: () => Date.now() + offset },
  });
});
afterAll(async () => {
  await world?.close();
});

const click = (who: { readonly slack: string }, actionId: string, value: string) =>
  clickButton(world, who, actionId, value);
const answerTo = (url: string, what: string) => answerAt(world, url, what);

const security = (needle: string) => securityPost(world, needle);

const dmCard = (who: { readonly slack: string }, id: string) =>
  world.slack
    .messagesIn(world.slack.dmOf(who.slack))
    .find((m) => JSON.stringify(m.blocks).includes(id));

const granted = (roleId: string) =>
  world.graph.calls.find(
    (c) =>
      c.method === 'POST' &&
      c.path.endsWith('/roleAssignmentScheduleRequests') &&
      JSON.stringify(c.body).includes(roleId),
  );

/** The confirm button's value in a reply: what the click sends back. */
function confirmValue(reply: string): string {
  const parsed = JSON.parse(reply) as { blocks: { elements?: { value?: string }[] }[] };
  const value = parsed.blocks.flatMap((b) => b.elements ?? []).find((e) => e.value)?.value;
  if (!value) throw new Error(`no Confirm button in ${reply}`);
  return value;
}

describe('break-glass on Slack', () => {
  it('asks first; confirmed, it activates at once, tells security and every approver, and an approver acknowledges', async () => {
    const question = await slashCommand(
      world,
      TENANT.alice,
      'breakglass Exchange Administrator mail flow down INC-4711',
    );
    expect(question).toContain(
      'This activates Exchange Administrator now for 1h without approval, and posts to every approver and the security channel.',
    );
    expect(question).toContain('elevate_breakglass_confirm');
    expect(granted(ROLES.exchange.id)).toBeUndefined();

    const answer = await answerTo(
      await click(TENANT.alice, 'elevate_breakglass_confirm', confirmValue(question)),
      'the confirmed answer',
    );
    expect(answer).toContain('Break-glass: activating Exchange Administrator now for 1h');
    const id = requestIdIn(answer);
    expect(id).not.toBe('');

    const grant = await waitFor(() => granted(ROLES.exchange.id), 10_000, 'the grant in PIM');
    expect(JSON.stringify(grant.body)).toContain('break-glass, without approval');
    expect(JSON.stringify(grant.body)).toContain('mail flow down INC-4711');
    await waitFor(
      () =>
        world.graph.tenant
          .activeAssignments()
          .some((a) => a.roleDefinitionId === ROLES.exchange.id),
      10_000,
      'active in Entra',
    );
    const loud = await security('BREAK-GLASS');
    expect(loud.text).toContain('Alice Admin activated Exchange Administrator without approval');

    // Bob, an approver, gets the card to acknowledge in his DM; Alice never does.
    const card = await waitFor(() => dmCard(TENANT.bob, id), 10_000, "Bob's acknowledge card");
    expect(JSON.stringify(card.blocks)).toContain('elevate_acknowledge');
    expect(JSON.stringify(card.blocks)).toContain('an approver must acknowledge it by');
    expect(dmCard(TENANT.alice, id)?.blocks ?? []).not.toContainEqual(
      expect.objectContaining({ block_id: 'breakglass' }),
    );

    expect(await answerTo(await click(TENANT.alice, 'elevate_acknowledge', id), 'self')).toContain(
      'another approver must acknowledge it',
    );
    await click(TENANT.bob, 'elevate_acknowledge', id);
    await security('Bob Approver acknowledged');
    await waitFor(
      () =>
        JSON.stringify(dmCard(TENANT.bob, id)?.blocks).includes('acknowledged by Bob Approver')
          ? true
          : null,
      10_000,
      'the card updated',
    );
    expect(JSON.stringify(dmCard(TENANT.bob, id)?.blocks)).not.toContain('elevate_acknowledge');
  });

  it('refuses someone not listed, and tells the security channel', async () => {
    const reply = await slashCommand(
      world,
      TENANT.dave,
      'breakglass confirm Exchange Administrator I want in',
    );
    expect(reply).toContain('You are not listed under `breakglass.allowed`');
    await security('Dave Outsider tried break-glass for Exchange Administrator');
    expect(
      world.graph.tenant.activeAssignments().some((a) => a.principalId === TENANT.dave.id),
    ).toBe(false);
  });

  it('not acknowledged by the deadline: escalated to security and the backup approver', async () => {
    const question = await slashCommand(
      world,
      TENANT.alice,
      'breakglass Helpdesk Administrator password resets stuck INC-4712',
    );
    const answer = await answerTo(
      await click(TENANT.alice, 'elevate_breakglass_confirm', confirmValue(question)),
      'the confirmed answer',
    );
    const id = requestIdIn(answer);
    await waitFor(() => granted(ROLES.helpdesk.id), 10_000, 'the grant in PIM');
    await waitFor(() => dmCard(TENANT.bob, id), 10_000, "Bob's acknowledge card");
    expect(dmCard(TENANT.dave, id)).toBeUndefined();

    const queue = new Queue(queueName('breakglass-review'), {
      connection: world.redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: world.redis.prefix,
    });
    try {
      const job = await queue.getJob(`breakglass-review-${id}`);
      if (!job) throw new Error('no breakglass-review job');
      expect(job.opts.delay).toBeGreaterThan(HOUR - 60_000);
      // The job is an hour away in real time; the bot's clock is past the deadline.
      offset = HOUR + 60_000;
      await job.promote();
      const overdue = await security('Nobody acknowledged');
      expect(overdue.text).toContain("Alice Admin's break-glass use of Helpdesk Administrator");
      const backup = await waitFor(() => dmCard(TENANT.dave, id), 10_000, "Dave's card");
      expect(JSON.stringify(backup.blocks)).toContain('elevate_acknowledge');
      expect(JSON.stringify(backup.blocks)).toContain('not acknowledged in time');
    } finally {
      offset = 0;
      await queue.close();
    }
  });
});
