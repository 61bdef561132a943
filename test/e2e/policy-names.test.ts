/**
 * A misspelt role in policy.yaml, through start-up as `npm start` runs it against the Graph
 * stand-in: start-up stops at the line; with Entra not answering, /readyz says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { PolicyError, parsePolicy } from '../../bot/policy-file.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { graphEnv, startTenant } from './world.ts';

const TEXT = `defaults:
  maxDuration: 8h
  approval: { approvers: [bob@contoso.com, carol@contoso.com], quorum: 1 }
roles:
  Exchange Administrator: { maxDuration: 4h }
  Global Admin: { approval: { quorum: 2 }, maxDuration: 1h }
`;

let graph: GraphStandIn;
let redis: FreshRedis;
beforeAll(async () => {
  graph = await startTenant();
  redis = await freshRedis();
});
afterAll(async () => {
  await graph?.close();
  await redis?.cleanup();
});

function options() {
  const policy = parsePolicy(TEXT, 'policy.yaml');
  if (!policy.ok) throw new Error('the test policy is valid YAML and schema');
  return {
    config: loadConfig(graphEnv(graph, redis.prefix)),
    policy: policy.value,
    policySource: { file: 'policy.yaml', text: TEXT },
    log: createLogger('silent'),
  };
}

describe('a role name Entra does not have', () => {
  it('stops start-up at its line, naming the role it was probably meant to be', async () => {
    const refused = await startApp(options()).then(
      async (app) => {
        await app.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PolicyError);
    expect((refused as PolicyError).message).toMatch(
      /^policy\.yaml has a role name that Entra does not know; fix and start again:\npolicy\.yaml:6:3: roles\."Global Admin": no directory role in Entra is called "Global Admin".*did you mean "Global Administrator"/,
    );
    expect((refused as PolicyError).errors).toMatchObject([{ line: 6, column: 3 }]);
  });

  it('with Entra not answering at start, the bot starts and /readyz says the names are unchecked', async () => {
    graph.faults.unavailable(10_000, 1, '/roleManagement/directory/roleDefinitions');
    const app = await startApp(options());
    try {
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks.policy).toContain('role names in policy.yaml not checked yet');
    } finally {
      await app.close();
      graph.faults.unavailable(0, 0, '/roleManagement/directory/roleDefinitions');
    }
  }, 20_000);
});
