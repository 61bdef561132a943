/** On-call settings: a policy naming a provider needs its token; base URLs must protect it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { onCallWiring } from '../../bot/on-call.ts';
import { parsed } from '../policy/helpers.ts';

const policy = parsed([
  'defaults:',
  '  approval: { approvers: [secops@contoso.com] }',
  'roles:',
  '  Exchange Administrator:',
  '    approval: { autoApprove: { onCall: { opsgenie: { schedules: [3f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9] } } } }',
]);
const clock = { now: () => Date.now() };

/** A port nothing listens on (one just given up). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const log = createLogger('silent');

describe('on-call settings', () => {
  it('stops start-up when the policy names a provider without its token', () => {
    expect(() => onCallWiring(loadConfig({}), policy, clock, log)).toThrow(
      new ConfigError(
        'OPSGENIE_TOKEN is missing: policy.yaml roles."Exchange Administrator".approval.autoApprove.onCall names opsgenie, and without its API token nobody could be found on call. Set OPSGENIE_TOKEN, or remove opsgenie from the policy.',
      ),
    );
    expect(onCallWiring(loadConfig({ OPSGENIE_TOKEN: 'key' }), policy, clock, log)).toBeDefined();
    expect(
      onCallWiring(
        loadConfig({}),
        parsed(['defaults:', '  approval: { approvers: [a@contoso.com] }']),
        clock,
        log,
      ),
    ).toBeUndefined();
  });

  it('logs a failing provider (without its token) and reports it as a failure', async () => {
    const warned: unknown[] = [];
    const capture = {
      debug: () => {},
      info: () => {},
      warn: (fields: unknown) => void warned.push(fields),
      error: () => {},
      child: () => capture,
    };
    const config = loadConfig({
      OPSGENIE_TOKEN: 'secret-key',
      OPSGENIE_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    const lookup = onCallWiring(config, policy, clock, capture);
    const answer = await lookup?.onCall('alice@contoso.com', [
      { provider: 'opsgenie', kind: 'schedule', id: '3f1c2d3e-4b5a-4978-8695-a4b3c2d1e0f9' },
    ]);
    expect(answer?.onCall).toEqual([]);
    expect(answer?.failures).toEqual([
      { provider: 'opsgenie', message: 'Opsgenie could not be reached (ECONNREFUSED)' },
    ]);
    expect(warned).toEqual([
      { provider: 'opsgenie', problem: 'Opsgenie could not be reached (ECONNREFUSED)' },
    ]);
    expect(JSON.stringify(warned)).not.toContain('secret-key');
  });

  it('takes the tokens with default base URLs, and refuses http beyond this machine', () => {
    expect(loadConfig({ PAGERDUTY_TOKEN: 'pd', OPSGENIE_TOKEN: 'og' }).onCall).toEqual({
      pagerduty: { token: 'pd', baseUrl: 'https://api.pagerduty.com' },
      opsgenie: { token: 'og', baseUrl: 'https://api.opsgenie.com' },
    });
    expect(
      loadConfig({ PAGERDUTY_TOKEN: 'pd', PAGERDUTY_BASE_URL: 'http://127.0.0.1:4000' }).onCall
        .pagerduty?.baseUrl,
    ).toBe('http://127.0.0.1:4000');
    expect(() => loadConfig({ OPSGENIE_BASE_URL: 'http://opsgenie.contoso.com' })).toThrow(
      /OPSGENIE_BASE_URL="http:\/\/opsgenie.contoso.com" is refused: the API token would travel unencrypted/,
    );
  });
});
