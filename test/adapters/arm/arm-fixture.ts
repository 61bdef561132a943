/**
 * The ARM adapter over the simulated tenant seeded with AZURE_WORLD, for the adapter tests:
 * the credential Graph signs in with, the real client, and the calls ARM received.
 */
import { afterEach, beforeEach } from 'vitest';
import { ArmClient, type ArmClientOptions } from '../../../adapters/arm/client.ts';
import { AzurePrivileges } from '../../../adapters/arm/privileges.ts';
import { seedWorld } from '../../../adapters/entra-sim/seed.ts';
import { createCredential } from '../../../adapters/graph/credential.ts';
import type { GrantRequest } from '../../../bot/core/ports/privilege-provider.ts';
import { AZURE_SCOPES, AZURE_WORLD, azureTargets } from '../../contracts/azure-world.ts';
import { ids } from '../../contracts/entra-world.ts';
import { type ArmStandIn, startArmStandIn } from '../../standins/arm/index.ts';

export const grant = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  principalId: ids.alice,
  target: azureTargets.contributorPayments,
  startAt: Date.UTC(2026, 10, 23, 9),
  durationSeconds: 2 * 3600,
  justification: 'deploying the hotfix | via elevate R0000001',
  ticket: 'INC-4711',
  requestId: 'R0000001',
  ...over,
});

export interface ArmEnv {
  readonly sim: ArmStandIn;
  credential(): ReturnType<typeof createCredential>;
  /** A client with quick backoff, so retry tests stay short. */
  client(options?: ArmClientOptions): ArmClient;
  privileges(options?: ArmClientOptions, scopes?: readonly string[]): AzurePrivileges;
  /** ARM calls (on the ARM origin) whose path contains `part`. */
  armCalls(part: string, method?: string): { path: string; body: unknown; at: number }[];
}

export function useArm(): ArmEnv {
  let sim: ArmStandIn | null = null;
  let credential: ReturnType<typeof createCredential> | null = null;
  beforeEach(async () => {
    sim = await startArmStandIn({ tokenLifetimeSeconds: 90 * 86_400 });
    seedWorld(sim.tenant, AZURE_WORLD);
    credential = createCredential({
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      authorityHost: sim.authorityHost,
    });
  });
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });
  const need = <T>(v: T | null): T => {
    if (v === null) throw new Error('the ARM fixture is not started');
    return v;
  };
  const env: ArmEnv = {
    get sim() {
      return need(sim);
    },
    credential: () => need(credential),
    client: (options = {}) =>
      new ArmClient(need(credential), {
        baseUrl: need(sim).armBaseUrl,
        retryDelaySeconds: 0.05,
        ...options,
      }),
    privileges: (options = {}, scopes = AZURE_SCOPES) =>
      new AzurePrivileges(env.client(options), scopes),
    armCalls: (part, method) =>
      need(sim)
        .calls.filter(
          (c) =>
            c.path.includes('/providers/Microsoft.Authorization/') &&
            c.path.includes(part) &&
            (method === undefined || c.method === method),
        )
        .map((c) => ({ path: c.path, body: c.body, at: c.at })),
  };
  return env;
}
