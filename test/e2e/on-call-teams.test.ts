/**
 * On-call approval on Teams end to end: activities to the running bot, the real CloudAdapter
 * and Bot Connector stand-in, Graph and PagerDuty stand-ins. An on-call requester is approved
 * and granted at once, with the fact in the reply card, on the approvals card and in the
 * security channel; someone not on call goes to the approvers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { messageActivity } from '../standins/botframework/index.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type PagerDutyStandIn, startPagerDutyStandIn } from '../standins/pagerduty/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { ON_CALL_POLICY } from './on-call.ts';
import { startTeamsChannel, type TeamsChannel } from './teams-channel.ts';
import { graphEnv, ROLES, startTenant, TENANT, testPolicy } from './world.ts';

const TENANT_ID = 'contoso-tenant';
const APPROVALS = '19:approvals@thread.tacv2';
const SECURITY = '19:security@thread.tacv2';

let graph: GraphStandIn;
let teams: TeamsChannel;
let pd: PagerDutyStandIn;
let redis: FreshRedis;
let app: RunningApp;

beforeAll(async () => {
  graph = await startTenant();
  teams = await startTeamsChannel();
  pd = await startPagerDutyStandIn();
  pd.addSchedule('PABC123', 'Payments Primary', [{ email: 'alice@contoso.com' }]);
  pd.addEscalationPolicy('PDEF456', 'Identity Escalation', [{ email: 'carol@contoso.com' }]);
  redis = await freshRedis();
  const config = loadConfig({
    ...graphEnv(graph, redis.prefix),
    ...teams.env,
    PAGERDUTY_TOKEN: pd.token,
    PAGERDUTY_BASE_URL: pd.baseUrl,
  });
  app = await startApp({ config, policy: testPolicy(ON_CALL_POLICY), log: createLogger('silent') });
});
afterAll(async () => {
  await app?.close();
  await teams?.close();
  await pd?.close();
  await graph?.close();
  await redis?.cleanup();
});

const alice = TENANT.alice;
const conversation = {
  id: `a:1-${alice.slack}`,
  conversationType: 'personal' as const,
  tenantId: TENANT_ID,
};

async function say(text: string) {
  const before = teams.connector.activitiesIn(conversation.id).length;
  const activity = messageActivity({
    text,
    from: { id: `29:${alice.slack}`, name: alice.name, aadObjectId: alice.id },
    conversation,
    serviceUrl: teams.connector.serviceUrl,
  });
  expect((await teams.post(`${app.url}/api/messages`, activity)).status).toBe(200);
  const reply = await waitFor(
    () => teams.connector.activitiesIn(conversation.id)[before],
    5_000,
    `reply to "${text}"`,
  );
  return JSON.stringify(reply.activity);
}

/** Card text as a person reads it: Teams markdown escapes (`\\(`) taken out. */
const unescaped = (json: string) => json.replaceAll('\\\\', '');
const requestIdIn = (text: string) => /R[0-9A-Z]{7,}/.exec(text)?.[0] ?? '';
const cardFor = (id: string) =>
  teams.connector.activitiesIn(APPROVALS).find((a) => JSON.stringify(a.activity).includes(id));

describe('on-call approval on Teams', () => {
  it('an on-call requester is approved and activated at once, with the fact shown', async () => {
    const reply = unescaped(await say('/elevate exo 1h paged: mail flow down INC-4711'));
    const id = requestIdIn(reply);
    expect(reply).toContain(
      'is approved: on call in PagerDuty schedule Payments Primary (PABC123)',
    );
    await waitFor(
      () =>
        graph.tenant
          .activeAssignments()
          .some((a) => a.principalId === alice.id && a.roleDefinitionId === ROLES.exchange.id),
      10_000,
      'assignment',
    );
    const card = await waitFor(() => cardFor(id), 5_000, 'approvals card');
    expect(JSON.stringify(card.activity)).toContain(
      'on call in PagerDuty schedule Payments Primary',
    );
    expect(JSON.stringify(card.activity)).not.toContain('"verb":"approve"');
    const post = await waitFor(
      () =>
        teams.connector
          .activitiesIn(SECURITY)
          .find((a) => JSON.stringify(a.activity).includes('without an approver')),
      5_000,
      'security post',
    );
    expect(unescaped(JSON.stringify(post.activity))).toContain(
      'Alice Admin was approved for Exchange Administrator without an approver: on call in PagerDuty schedule Payments Primary (PABC123)',
    );
  });

  it('someone not on call goes to the approvers', async () => {
    const reply = await say('/elevate Global Administrator 30m checking tenant settings INC-4712');
    const id = requestIdIn(reply);
    expect(reply).toContain('sent to the approvers');
    const card = await waitFor(() => cardFor(id), 5_000, 'approvals card');
    expect(JSON.stringify(card.activity)).toContain('"verb":"approve"');
    expect(pd.calls.some((c) => c.url.includes('escalation_policy_ids'))).toBe(true);
  });
});
