/**
 * Break-glass on Teams end to end, through the real CloudAdapter and the Bot Connector
 * stand-in: a card with Confirm (Action.Execute), activation at once without approval, the
 * security channel and every approver told, Acknowledge on the approvers' card; someone not
 * allowed refused; a use nobody acknowledges escalated after the deadline.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueName } from '../../jobs/names.ts';
import { waitFor } from '../support/wait.ts';
import { BREAKGLASS_POLICY, requestIdIn } from './breakglass.ts';
import { securityText, startTeamsWorld, type TeamsWorld, unescaped } from './teams-world.ts';
import { ROLES, TENANT } from './world.ts';

const HOUR = 3_600_000;
let offset = 0;
let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld({
    policy: BREAKGLASS_POLICY,
    clock: { now: () => Date.now() + offset },
  });
  // The bot reaches a person's 1:1 chat once they have written to it.
  for (const p of [TENANT.bob, TENANT.dave]) await w.say(p, 'help');
});
afterAll(async () => {
  await w?.close();
});

const security = (needle: string) => securityText(w, needle);

const personalCard = (p: (typeof TENANT)[keyof typeof TENANT], id: string) =>
  w
    .personalTexts(p)
    .map(unescaped)
    .find((t) => t.includes(id) && t.includes('BREAK-GLASS'));

const active = (roleId: string) =>
  w.graph.tenant
    .activeAssignments()
    .some((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === roleId);

/** The Confirm action's data on the question card. */
function confirmData(reply: string): Record<string, unknown> {
  const match = /"verb":"breakglassConfirm","style":"destructive","data":(\{[^}]*\})/.exec(reply);
  if (!match?.[1]) throw new Error(`no Confirm on ${reply}`);
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('break-glass on Teams', () => {
  it('asks on a card; confirmed, it activates at once, tells everyone, and an approver acknowledges', async () => {
    const question = await w.say(
      TENANT.alice,
      'breakglass Exchange Administrator mail flow down INC-4711',
    );
    expect(unescaped(question)).toContain(
      'This activates Exchange Administrator now for 1h without approval',
    );
    expect(active(ROLES.exchange.id)).toBe(false);

    const answer = unescaped(await w.act(TENANT.alice, 'breakglassConfirm', confirmData(question)));
    expect(answer).toContain('Break-glass: activating Exchange Administrator now for 1h');
    const id = requestIdIn(answer);
    await waitFor(() => active(ROLES.exchange.id), 10_000, 'active in Entra');
    expect(await security('BREAK-GLASS')).toContain(
      'Alice Admin activated Exchange Administrator without approval',
    );
    const card = await waitFor(() => personalCard(TENANT.bob, id), 10_000, "Bob's card");
    expect(card).toContain('"verb":"acknowledge"');
    expect(unescaped(await w.act(TENANT.alice, 'acknowledge', { requestId: id }))).toContain(
      'another approver must acknowledge it',
    );
    const acked = unescaped(await w.act(TENANT.bob, 'acknowledge', { requestId: id }));
    expect(acked).toContain('acknowledged by Bob Approver');
    expect(acked).not.toContain('"verb":"acknowledge"');
    await security('Bob Approver acknowledged');
    const record = await w.app.deps.store.get(id);
    expect(record?.breakglass?.acknowledgedBy?.id).toBe(TENANT.bob.id);
  });

  it('refuses someone not listed, and tells the security channel', async () => {
    const reply = await w.say(TENANT.dave, 'breakglass confirm Exchange Administrator let me in');
    expect(unescaped(reply)).toContain('You are not listed under');
    await security('Dave Outsider tried break-glass');
  });

  it('not acknowledged by the deadline: escalated to security and the backup approver', async () => {
    const question = await w.say(
      TENANT.alice,
      'breakglass Helpdesk Administrator password resets stuck INC-4712',
    );
    const id = requestIdIn(
      unescaped(await w.act(TENANT.alice, 'breakglassConfirm', confirmData(question))),
    );
    await waitFor(() => active(ROLES.helpdesk.id), 10_000, 'active in Entra');
    await waitFor(() => personalCard(TENANT.bob, id), 10_000, "Bob's card");
    expect(personalCard(TENANT.dave, id)).toBeUndefined();
    const queue = new Queue(queueName('breakglass-review'), {
      connection: w.redis.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: w.redis.prefix,
    });
    try {
      const job = await queue.getJob(`breakglass-review-${id}`);
      if (!job) throw new Error('no breakglass-review job');
      // The job is an hour away in real time; the bot's clock is past the deadline.
      offset = HOUR + 60_000;
      await job.promote();
      expect(await security('Nobody acknowledged')).toContain('Helpdesk Administrator');
      const backup = await waitFor(() => personalCard(TENANT.dave, id), 10_000, "Dave's card");
      expect(backup).toContain('"verb":"acknowledge"');
      expect(backup).toContain('not acknowledged in time');
    } finally {
      offset = 0;
      await queue.close();
    }
  });
});
