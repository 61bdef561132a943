/**
 * The Graph adapter on the real @azure/identity and Graph client, pointed at the HTTPS
 * Entra+Graph stand-in, with a clock the test moves.
 */
import { afterEach, beforeEach } from 'vitest';
import { createGraphClient, type GraphClientOptions } from '../../../adapters/graph/client.ts';
import { createCredential } from '../../../adapters/graph/credential.ts';
import { GraphDirectory, type GraphDirectoryOptions } from '../../../adapters/graph/directory.ts';
import { GraphOverview } from '../../../adapters/graph/overview.ts';
import {
  GraphPrivileges,
  type GraphPrivilegesOptions,
} from '../../../adapters/graph/privileges.ts';
import { GraphReader } from '../../../adapters/graph/reader.ts';
import type { AzureSettings } from '../../../adapters/graph/settings.ts';
import { GraphStats } from '../../../adapters/graph/stats.ts';
import type { Target } from '../../../bot/core/domain/target.ts';
import type { GrantRequest } from '../../../bot/core/ports/privilege-provider.ts';
import { type GraphStandIn, startGraphStandIn } from '../../standins/graph/index.ts';

export const ALICE = '6b2e9f4a-0000-4000-8000-00000000a11c';
export const BOB = '6b2e9f4a-0000-4000-8000-0000000000b0';
export const CAROL = '6b2e9f4a-0000-4000-8000-0000000000c0';
export const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';
export const GLOBAL = '62e90394-69f5-4237-9190-012177145e10';
export const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
export const GROUP = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
export const INNER_GROUP = '0f1e2d3c-4b5a-4978-8695-00000000001a';
export const START = Date.UTC(2026, 10, 23, 9);

export const exchange: Target = {
  kind: 'directory_role',
  id: EXCHANGE,
  name: 'Exchange Administrator',
  scope: '/',
};

export const grant = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  principalId: ALICE,
  target: exchange,
  startAt: START,
  durationSeconds: 7200,
  justification:
    'fixing mail flow | requested by alice@contoso.com via elevate R0000001 | ticket INC-4711',
  ticket: 'INC-4711',
  requestId: 'R0000001',
  ...over,
});

/** Short waits so retry tests stay fast; the stand-in's Retry-After values are fractions. */
export const FAST: GraphClientOptions = {
  retryDelaySeconds: 0.01,
  maxRetries: 3,
  maxWaitSeconds: 2,
};

export interface Env {
  readonly graph: GraphStandIn;
  now: number;
  /** HTTP calls to Graph (not Entra) the stand-in recorded, optionally under a path. */
  graphCalls(path?: string, method?: string): GraphStandIn['calls'];
  adapter(options?: {
    azure?: Partial<AzureSettings>;
    client?: GraphClientOptions;
    privileges?: GraphPrivilegesOptions;
    directory?: GraphDirectoryOptions;
  }): {
    privileges: GraphPrivileges;
    directory: GraphDirectory;
    overview: GraphOverview;
    stats: GraphStats;
  };
}

/** A fresh stand-in per test with Alice (eligible for Exchange), Bob (disabled) and Carol. */
export function useGraph(): Env {
  let standIn: GraphStandIn | undefined;
  const env: Env = {
    now: START,
    get graph(): GraphStandIn {
      if (!standIn) throw new Error('the Graph stand-in starts in beforeEach');
      return standIn;
    },
    graphCalls(path = '', method?: string) {
      return env.graph.calls.filter(
        (c) => c.path.startsWith(`/v1.0${path}`) && (!method || c.method === method),
      );
    },
    adapter(options = {}) {
      const azure: AzureSettings = {
        tenantId: env.graph.tenantId,
        clientId: env.graph.clientId,
        clientSecret: env.graph.clientSecret,
        authorityHost: env.graph.authorityHost,
        graphBaseUrl: env.graph.graphBaseUrl,
        ...options.azure,
      };
      const stats = new GraphStats();
      const client = createGraphClient(createCredential(azure), {
        baseUrl: env.graph.graphBaseUrl,
        stats,
        ...FAST,
        ...options.client,
      });
      const reader = new GraphReader(client, env.graph.graphBaseUrl);
      const now = () => env.now;
      const privileges = new GraphPrivileges(reader, { now, ...options.privileges });
      return {
        privileges,
        directory: new GraphDirectory(reader, { now, ...options.directory }),
        overview: new GraphOverview(reader, () => privileges.listRoles(), now),
        stats,
      };
    },
  };

  beforeEach(async () => {
    env.now = START;
    // Tokens outlive every clock jump a test makes; MSAL caches them by the real clock.
    standIn = await startGraphStandIn({ now: () => env.now, tokenLifetimeSeconds: 90 * 86_400 });
    const t = env.graph.tenant;
    t.addUser({
      id: ALICE,
      displayName: 'Alice Admin',
      userPrincipalName: 'alice@contoso.com',
      mail: 'alice@contoso.com',
    });
    t.addUser({
      id: BOB,
      displayName: 'Bob Gone',
      userPrincipalName: 'bob@contoso.onmicrosoft.com',
      mail: 'bob@contoso.com',
      accountEnabled: false,
    });
    t.addUser({
      id: CAROL,
      displayName: "Carol O'Brien",
      userPrincipalName: 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      mail: "carol.o'brien+ops@fabrikam.com",
    });
    t.addRoleDefinition({ id: EXCHANGE, displayName: 'Exchange Administrator' });
    t.addRoleDefinition({ id: GLOBAL, displayName: 'Global Administrator' });
    t.addRoleDefinition({ id: HELPDESK, displayName: 'Helpdesk Administrator' });
    t.addEligibility({ principalId: ALICE, roleDefinitionId: EXCHANGE });
  });
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });
  return env;
}
