/**
 * `@alice` in the sandbox console: a simulated person by name or email resolves for
 * `/elevate history`, and a name that matches nobody answers with the closest people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PEOPLE } from '../../adapters/entra-sim/sandbox-world.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { type Sandbox, startSandbox } from '../../bot/sandbox.ts';

const [alice, , , erin] = SANDBOX_PEOPLE.map((p) => p.id);
let sandbox: Sandbox;

const say = async (as: string | undefined, text: string): Promise<string> => {
  const res = await fetch(`${sandbox.url}/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as, text }),
  });
  expect(res.status).toBe(200);
  return JSON.stringify(await res.json());
};

beforeAll(async () => {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1' });
  sandbox = await startSandbox({ config, log: createLogger('silent') });
  expect(await say(alice, '/elevate Helpdesk Administrator 1m reset a locked account')).toMatch(
    /R[0-9A-Z]{7,}/,
  );
}, 30_000);
afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox mentions', () => {
  it.each([['@alice'], ['@Alice'], ['@alice@contoso.example'], ['alice@contoso.example']])(
    '`history %s` shows Alice’s history to the auditor',
    async (mention) => {
      const reply = await say(erin, `/elevate history ${mention}`);
      expect(reply).not.toMatch(/cannot find/);
      expect(reply).toMatch(/Alice Admin · Helpdesk Administrator/);
    },
  );

  it('answers an unknown name with the closest people, not with what was typed', async () => {
    const reply = await say(erin, '/elevate history @alise');
    expect(reply).toMatch(/cannot find/);
    expect(reply).toMatch(/closest people: `@alice \(Alice Admin\)`/);
  });
});
