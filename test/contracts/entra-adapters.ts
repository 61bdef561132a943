/** The two implementations the Entra contracts run on, each seeded from one world. */
import { type AzurePrivileges, createAzurePrivileges } from '../../adapters/arm/index.ts';
import type { EntraSim } from '../../adapters/entra-sim/index.ts';
import { seedWorld } from '../../adapters/entra-sim/seed.ts';
import { ALL_PERMISSIONS, REVIEW_PERMISSIONS } from '../../adapters/entra-sim/tenant.ts';
import type { WorldSpec } from '../../adapters/entra-sim/world.ts';
import { createGraph, type Graph } from '../../adapters/graph/index.ts';
import { memoryWorld } from '../../adapters/memory/world.ts';
import { createLogger } from '../../bot/log.ts';
import { type ArmStandIn, startArmStandIn } from '../standins/arm/index.ts';
import { startGraphStandIn } from '../standins/graph/index.ts';

export async function memoryEntra(world: WorldSpec) {
  return { ...memoryWorld(world, () => Date.now()), teardown: async () => {} };
}

/** The Graph adapter as `npm start` builds it, signing in to and reading the simulated tenant `sim`. */
export function graphOver(sim: EntraSim): Graph {
  return createGraph(
    {
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      authorityHost: sim.authorityHost,
      graphBaseUrl: sim.graphBaseUrl,
    },
    createLogger('silent'),
  );
}

/**
 * The real Graph adapter, as `npm start` builds it, over the simulated tenant, its app
 * consented as for eligibility reviews too.
 */
export async function graphEntra(world: WorldSpec): Promise<Graph & { teardown(): Promise<void> }> {
  // Tokens outlive every clock jump a test makes.
  const sim = await startGraphStandIn({ tokenLifetimeSeconds: 90 * 86_400 });
  seedWorld(sim.tenant, world);
  sim.tenant.grantPermissions([...ALL_PERMISSIONS, ...REVIEW_PERMISSIONS]);
  const graph = graphOver(sim);
  return { ...graph, teardown: () => sim.close() };
}

/** The real ARM adapter, with the credential Graph signs in with, over the simulated tenant. */
export async function azureEntra(
  world: WorldSpec,
  scopes: readonly string[],
): Promise<{ privileges: AzurePrivileges; sim: ArmStandIn; teardown(): Promise<void> }> {
  const sim = await startArmStandIn({ tokenLifetimeSeconds: 90 * 86_400 });
  seedWorld(sim.tenant, world);
  const graph = graphOver(sim);
  const privileges = createAzurePrivileges(graph.credential, {
    baseUrl: sim.armBaseUrl,
    scopes,
    log: createLogger('silent'),
  });
  return { privileges, sim, teardown: () => sim.close() };
}
