/** The Opsgenie adapter against its stand-in: matching, and every failure. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { onCallLookup } from '../../../adapters/oncall/index.ts';
import { OpsgenieOnCall } from '../../../adapters/oncall/opsgenie.ts';
import type { OnCallSource } from '../../../bot/core/domain/policy.ts';
import {
  OPSGENIE_ERRORS,
  type OpsgenieStandIn,
  startOpsgenieStandIn,
} from '../../standins/opsgenie/index.ts';

const PRIMARY = '3f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9';
const OTHER = '9a8b7c6d-5e4f-4321-8765-0fedcba98765';
const schedule = (id: string): OnCallSource => ({ provider: 'opsgenie', kind: 'schedule', id });
let og: OpsgenieStandIn;
const now = Date.now();
const adapter = (token = og.token, timeoutMs = 1_000) =>
  new OpsgenieOnCall({ token, baseUrl: og.baseUrl, timeoutMs }, async () => {});

beforeAll(async () => {
  og = await startOpsgenieStandIn();
  og.setOnCall(PRIMARY, 'Payments_schedule', ['Alice@contoso.com']);
  og.setOnCall(OTHER, 'Infra_schedule', ['bob@contoso.com']);
});
afterAll(async () => {
  await og.close();
});
beforeEach(() => {
  og.calls.length = 0;
  og.delay(0);
});

describe('Opsgenie on-calls', () => {
  it('finds the requester in onCallRecipients, any case, one call per schedule', async () => {
    const answer = await adapter().onCall(
      'alice@contoso.com',
      [schedule(OTHER), schedule(PRIMARY)],
      now,
    );
    expect(answer).toEqual({ onCall: [{ ...schedule(PRIMARY), name: 'Payments_schedule' }] });
    expect(og.calls.map((c) => c.url.split('?')[0])).toEqual([
      `/v2/schedules/${OTHER}/on-calls`,
      `/v2/schedules/${PRIMARY}/on-calls`,
    ]);
    expect(og.calls[0]?.url).toContain('flat=true');
    expect(og.calls[0]?.authorization).toBe(`GenieKey ${og.token}`);
  });

  it('a refused key and an unknown schedule fail with Opsgenie’s message', async () => {
    expect(
      (await adapter('bad').onCall('alice@contoso.com', [schedule(PRIMARY)], now)).failure,
    ).toEqual({
      provider: 'opsgenie',
      message: 'Opsgenie refused the API token (401: Could not authenticate); check OPSGENIE_TOKEN',
    });
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(
      (await adapter().onCall('alice@contoso.com', [schedule(missing)], now)).failure?.message,
    ).toBe(`Opsgenie answered 404: No schedule exists with identifier [${missing}]`);
  });

  it('429 is retried after Retry-After; 5xx and timeouts fail', async () => {
    og.failNext({
      status: 429,
      body: OPSGENIE_ERRORS.rateLimited(),
      headers: { 'retry-after': '1', 'x-ratelimit-state': 'THROTTLED' },
    });
    expect(
      (await adapter().onCall('alice@contoso.com', [schedule(PRIMARY)], now)).onCall,
    ).toHaveLength(1);
    expect(og.calls).toHaveLength(2);
    og.failNext({ status: 500, body: OPSGENIE_ERRORS.internal() });
    expect(
      (await adapter().onCall('alice@contoso.com', [schedule(PRIMARY)], now)).failure?.message,
    ).toBe('Opsgenie answered 500: Internal Server Error');
    og.delay(400);
    expect(
      (await adapter(og.token, 100).onCall('alice@contoso.com', [schedule(PRIMARY)], now)).failure
        ?.message,
    ).toBe('Opsgenie did not answer within 0.1s');
  });

  it('the lookup reports a provider without a token as a failure', async () => {
    const lookup = onCallLookup(
      { opsgenie: { token: og.token, baseUrl: og.baseUrl } },
      { now: () => now },
    );
    const answer = await lookup.onCall('alice@contoso.com', [
      schedule(PRIMARY),
      { provider: 'pagerduty', kind: 'schedule', id: 'PABC123' },
    ]);
    expect(answer.onCall).toEqual([{ ...schedule(PRIMARY), name: 'Payments_schedule' }]);
    expect(answer.failures).toEqual([
      { provider: 'pagerduty', message: 'PagerDuty is not configured (no API token)' },
    ]);
  });
});
