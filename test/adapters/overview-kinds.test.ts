/**
 * The security scan over all three kinds, through the real Graph and ARM adapters against the
 * simulated tenant: Azure roles and PIM group memberships held outside PIM, and an Azure
 * activation made outside elevate, are found like directory roles are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzure } from '../../adapters/arm/index.ts';
import { seedWorld } from '../../adapters/entra-sim/seed.ts';
import { OverviewByKind } from '../../adapters/privilege-kinds.ts';
import { roleTargets } from '../../bot/core/commands/command.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import { activate } from '../../bot/core/usecases/activate.ts';
import { scanForAlerts } from '../../bot/core/usecases/alerts/scan.ts';
import { submit } from '../../bot/core/usecases/submit.ts';
import { createLogger } from '../../bot/log.ts';
import { graphOver } from '../contracts/entra-adapters.ts';
import { type GraphStandIn, startGraphStandIn } from '../standins/graph/index.ts';
import {
  CONTRIBUTOR,
  MIXED_WORLD,
  PAYMENTS_GROUP,
  people,
  SUBSCRIPTION,
  testPolicy,
  testTenant,
} from '../support/tenant.ts';

const SUB = `/subscriptions/${SUBSCRIPTION}`;
const policy: Policy = {
  ...testPolicy,
  groups: new Map([
    [
      'Payments Oncall',
      {
        aliases: [],
        policy: {
          ...testPolicy.defaults,
          approval: { ...testPolicy.defaults.approval, required: false },
        },
      },
    ],
  ]),
  azure: { scopes: [SUB] },
};

let sim: GraphStandIn;
let overview: OverviewByKind;
let azure: ReturnType<typeof createAzure>;
beforeAll(async () => {
  sim = await startGraphStandIn({ arm: true, tokenLifetimeSeconds: 86_400 });
  seedWorld(sim.tenant, MIXED_WORLD);
  const log = createLogger('silent');
  const graph = graphOver(sim);
  azure = createAzure(graph.credential, { baseUrl: sim.armBaseUrl ?? '', scopes: [SUB], log });
  overview = new OverviewByKind(graph.overview, [azure.overview]);
});
afterAll(async () => {
  await sim?.close();
});

describe('security scan over groups and Azure roles', () => {
  it('finds standing Azure roles and group members, and an Azure activation made outside elevate', async () => {
    sim.tenant.azure.addStanding({
      principalId: people.erin.id,
      roleGuid: CONTRIBUTOR,
      scope: SUB,
    });
    sim.tenant.addStandingGroupMember(PAYMENTS_GROUP, people.dave.id);
    // Alice activates Contributor herself (the portal): a PIM-made grant no request explains.
    const portal = await azure.privileges.activate({
      principalId: people.alice.id,
      target: {
        kind: 'azure_role',
        id: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
        name: 'Contributor',
        scope: SUB,
      },
      startAt: Date.now(),
      durationSeconds: 3600,
      justification: 'from the portal',
      ticket: null,
      requestId: 'PORTAL01',
    });
    expect(portal.ok).toBe(true);

    // The bot has seen the group: a request for it makes the scan read its members.
    const t = testTenant(null, policy, MIXED_WORLD);
    const asked = await submit(t.deps, {
      requester: people.alice,
      platform: 'slack',
      targets: [{ kind: 'group', name: 'Payments Oncall', access: 'member' }, ...roleTargets([])],
      scope: '/',
      durationSeconds: 3600,
      startAt: null,
      ticket: null,
      reason: 'covering the pager tonight',
    });
    expect(asked.ok).toBe(true);
    if (asked.ok) await activate(t.deps, asked.value.id);

    const alerts = await scanForAlerts(t.deps, overview);
    const titles = alerts.map((a) => `${a.kind}: ${a.title}`);
    expect(titles).toContain(
      'outside_pim: Erin SecOps (erin@contoso.com) holds Contributor outside PIM',
    );
    expect(titles).toContain(
      'outside_pim: Dave Outsider (dave@contoso.com) holds Payments Oncall outside PIM',
    );
    expect(titles).toContain(
      'activated_outside_bot: Alice Admin (alice@contoso.com) activated Contributor outside elevate',
    );
  });
});
