/**
 * On-call approval on Slack end to end: the bot reads PagerDuty (the stand-in) through its
 * real adapter; an on-call requester is approved and granted at once, with the fact on the
 * approvals card, in the reply, in PIM's justification and in the security channel; someone
 * not on call, or any request while PagerDuty fails, goes to the approvers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PagerDutyStandIn, startPagerDutyStandIn } from '../standins/pagerduty/index.ts';
import { waitFor } from '../support/wait.ts';
import { ON_CALL_POLICY } from './on-call.ts';
import { slashCommand, startWorld, TENANT, type World } from './world.ts';

let world: World;
let pd: PagerDutyStandIn;
beforeAll(async () => {
  pd = await startPagerDutyStandIn();
  pd.addSchedule('PABC123', 'Payments Primary', [{ email: 'ALICE@contoso.com' }]);
  pd.addEscalationPolicy('PDEF456', 'Identity Escalation', [{ email: 'carol@contoso.com' }]);
  world = await startWorld({
    policy: ON_CALL_POLICY,
    env: { PAGERDUTY_TOKEN: pd.token, PAGERDUTY_BASE_URL: pd.baseUrl },
  });
});
afterAll(async () => {
  await world?.close();
  await pd?.close();
});

const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const cardFor = (id: string) =>
  world.slack.messagesIn('C0APPROVALS').find((m) => JSON.stringify(m.blocks).includes(id));
const buttons = (id: string) =>
  (JSON.stringify(cardFor(id)?.blocks ?? []).match(/elevate_(approve|deny)/g) ?? []).length;

describe('on-call approval on Slack', () => {
  it('an on-call requester is approved and activated at once, and everyone sees why', async () => {
    const reply = await slashCommand(
      world,
      TENANT.alice,
      'exchange 1h paged: mail flow down INC-4711',
    );
    const id = requestIdIn(reply);
    expect(reply).toContain(
      `request ${id} for Exchange Administrator is approved: on call in PagerDuty schedule Payments Primary (PABC123)`,
    );
    expect(pd.calls[0]?.authorization).toBe(`Token token=${pd.token}`);

    const grant = await waitFor(
      () =>
        world.graph.calls.find(
          (c) =>
            c.method === 'POST' &&
            c.path.endsWith('/roleAssignmentScheduleRequests') &&
            JSON.stringify(c.body).includes(id),
        ),
      10_000,
      'the grant in PIM',
    );
    expect(JSON.stringify(grant.body)).toContain(
      'approved: on call in PagerDuty schedule Payments Primary (PABC123)',
    );
    const security = await waitFor(
      () =>
        world.slack
          .messagesIn('C0SECURITY')
          .find((m) => m.text.includes('without an approver') && m.text.includes('Alice Admin')),
      10_000,
      'the security post',
    );
    expect(security.text).toContain(
      'Alice Admin was approved for Exchange Administrator without an approver: on call in PagerDuty schedule Payments Primary (PABC123)',
    );
    // The approvers get the card, with no buttons: nothing is left for them to decide.
    const card = await waitFor(() => cardFor(id), 10_000, 'the approvals card');
    expect(JSON.stringify(card.blocks)).toContain('on call in PagerDuty schedule Payments Primary');
    expect(buttons(id)).toBe(0);
    // Nobody is asked anything: no approver DM, and Alice's DM does not repeat the reply.
    const dms = [TENANT.bob, TENANT.alice].flatMap((p) =>
      world.slack.messagesIn(world.slack.dmOf(p.slack)),
    );
    expect(
      dms.filter((m) => JSON.stringify(m).includes(id) && !m.text.includes('is active')),
    ).toEqual([]);
  });

  it('someone not on call goes to the approvers as usual', async () => {
    const reply = await slashCommand(
      world,
      TENANT.alice,
      'Global Administrator 30m checking tenant settings INC-4712',
    );
    const id = requestIdIn(reply);
    expect(reply).toContain('was sent to the approvers');
    await waitFor(() => (buttons(id) > 0 ? true : null), 10_000, 'the card with buttons');
    expect(JSON.stringify(cardFor(id)?.blocks)).not.toContain('on-call');
    expect(await slashCommand(world, TENANT.alice, `cancel ${id}`)).toContain('canceled');
  });

  it('fails closed when PagerDuty fails, and the card says so', async () => {
    pd.addEscalationPolicy('PDEF456', 'Identity Escalation', [{ email: 'alice@contoso.com' }]);
    pd.failNext({ status: 503, body: { error: { message: 'Service Unavailable', code: 2001 } } });
    const reply = await slashCommand(
      world,
      TENANT.alice,
      'Global Administrator 30m checking tenant settings INC-4713',
    );
    const id = requestIdIn(reply);
    expect(reply).toContain('was sent to the approvers');
    const card = await waitFor(() => (buttons(id) > 0 ? cardFor(id) : null), 10_000, 'the card');
    expect(JSON.stringify(card?.blocks)).toContain(
      'Not approved by the on-call rule: the on-call check failed (PagerDuty answered 503: Service Unavailable), so the approvers decide.',
    );
  });
});
