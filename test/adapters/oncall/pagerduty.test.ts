/** The PagerDuty adapter against the REST API v2 stand-in: matching, paging, and every failure. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PagerDutyOnCall } from '../../../adapters/oncall/pagerduty.ts';
import type { OnCallSource } from '../../../bot/core/domain/policy.ts';
import {
  PAGERDUTY_ERRORS,
  type PagerDutyStandIn,
  startPagerDutyStandIn,
} from '../../standins/pagerduty/index.ts';

let pd: PagerDutyStandIn;
const now = Date.now();
const H = 3_600_000;
const schedule = (id: string): OnCallSource => ({ provider: 'pagerduty', kind: 'schedule', id });
const policy = (id: string): OnCallSource => ({
  provider: 'pagerduty',
  kind: 'escalation_policy',
  id,
});
const adapter = (token = pd.token, timeoutMs = 1_000) =>
  new PagerDutyOnCall({ token, baseUrl: pd.baseUrl, timeoutMs }, async () => {});

beforeAll(async () => {
  pd = await startPagerDutyStandIn();
  pd.addSchedule('PABC123', 'Payments Primary', [
    { email: 'Alice@Contoso.com', start: now - H, end: now + H },
    { email: 'bob@contoso.com', start: now - 3 * H, end: now - H },
  ]);
  pd.addEscalationPolicy('PDEF456', 'Payments Escalation', [{ email: 'carol@contoso.com' }]);
  pd.addSchedule(
    'PBIG001',
    'Everyone',
    Array.from({ length: 150 }, (_, i) => ({ email: `person${i}@contoso.com` })),
  );
});
afterAll(async () => {
  await pd.close();
});
beforeEach(() => {
  pd.calls.length = 0;
  pd.delay(0);
});

describe('PagerDuty on-calls', () => {
  it('finds the requester on call by email, any case, and names the schedule', async () => {
    const answer = await adapter().onCall('alice@contoso.com', [schedule('PABC123')], now);
    expect(answer).toEqual({
      onCall: [{ ...schedule('PABC123'), name: 'Payments Primary' }],
    });
    const [call] = pd.calls;
    expect(call?.authorization).toBe(`Token token=${pd.token}`);
    const query = new URL(call?.url ?? '', 'http://x').searchParams;
    expect(query.getAll('schedule_ids[]')).toEqual(['PABC123']);
    expect(query.getAll('include[]')).toEqual(['users']);
    expect(query.get('since')).toBe(new Date(now).toISOString());
  });

  it('someone whose shift ended, or who is not in the schedule, is not on call', async () => {
    expect(await adapter().onCall('bob@contoso.com', [schedule('PABC123')], now)).toEqual({
      onCall: [],
    });
    expect(await adapter().onCall('dave@contoso.com', [schedule('PABC123')], now)).toEqual({
      onCall: [],
    });
  });

  it('asks for escalation policies in a call of their own', async () => {
    const answer = await adapter().onCall(
      'carol@contoso.com',
      [schedule('PABC123'), policy('PDEF456')],
      now,
    );
    expect(answer.onCall).toEqual([{ ...policy('PDEF456'), name: 'Payments Escalation' }]);
    expect(
      pd.calls.map((c) => new URL(c.url, 'http://x').searchParams.has('schedule_ids[]')),
    ).toEqual([true, false]);
  });

  it('reads further pages while PagerDuty says there are more', async () => {
    const answer = await adapter().onCall('person140@contoso.com', [schedule('PBIG001')], now);
    expect(answer.onCall).toHaveLength(1);
    expect(pd.calls).toHaveLength(2);
  });

  it('a refused token fails with PagerDuty’s message and names the variable', async () => {
    const answer = await adapter('wrong').onCall('alice@contoso.com', [schedule('PABC123')], now);
    expect(answer).toEqual({
      onCall: [],
      failure: {
        provider: 'pagerduty',
        message:
          'PagerDuty refused the API token (401: Authentication failed); check PAGERDUTY_TOKEN',
      },
    });
  });

  it('a 429 with a short Retry-After is retried; a long one fails at once', async () => {
    pd.failNext({
      status: 429,
      body: PAGERDUTY_ERRORS.rateLimited,
      headers: { 'retry-after': '1', 'ratelimit-limit': '960', 'ratelimit-remaining': '0' },
    });
    const retried = await adapter().onCall('alice@contoso.com', [schedule('PABC123')], now);
    expect(retried.onCall).toHaveLength(1);
    expect(pd.calls).toHaveLength(2);

    pd.calls.length = 0;
    pd.failNext({
      status: 429,
      body: PAGERDUTY_ERRORS.rateLimited,
      headers: { 'ratelimit-reset': '45' },
    });
    const refused = await adapter().onCall('alice@contoso.com', [schedule('PABC123')], now);
    expect(refused.failure?.message).toBe(
      'PagerDuty is rate limiting the bot (429: Rate Limit Exceeded)',
    );
    expect(pd.calls).toHaveLength(1);
  });

  it('a 5xx and a timeout are failures, not "not on call"', async () => {
    pd.failNext({ status: 503, body: PAGERDUTY_ERRORS.internal });
    expect(
      (await adapter().onCall('alice@contoso.com', [schedule('PABC123')], now)).failure,
    ).toEqual({ provider: 'pagerduty', message: 'PagerDuty answered 503: Internal Server Error' });
    pd.delay(500);
    expect(
      (await adapter(pd.token, 100).onCall('alice@contoso.com', [schedule('PABC123')], now))
        .failure,
    ).toEqual({ provider: 'pagerduty', message: 'PagerDuty did not answer within 0.1s' });
  });
});
