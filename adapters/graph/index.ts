/** Microsoft Graph, assembled from configuration: credential, client, directory and PIM. */
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { createGraphClient, GRAPH_BASE_URL } from './client.ts';
import { createCredential, credentialKind } from './credential.ts';
import { GraphDirectory } from './directory.ts';
import { GraphOverview } from './overview.ts';
import { GraphPrivileges } from './privileges.ts';
import { GraphReader } from './reader.ts';
import type { AzureSettings } from './settings.ts';
import { GraphStats } from './stats.ts';

export { GraphRefusedError, GraphUnavailableError } from './errors.ts';
export type { GraphStatsSnapshot } from './stats.ts';
export type { GraphDirectory, GraphOverview, GraphPrivileges, GraphStats };

export interface Graph {
  readonly privileges: GraphPrivileges;
  readonly directory: GraphDirectory;
  readonly overview: GraphOverview;
  readonly stats: GraphStats;
  /** The bot's one sign-in, for Azure Resource Manager too (adapters/arm). */
  readonly credential: TokenCredential;
  /** Reads with the app's own permissions (delegated mode follows PIM's state with it). */
  readonly reader: GraphReader;
}

/**
 * `onResponse` hears the HTTP status of every Graph attempt (the Prometheus counters);
 * `stats` counts the same by outcome for whoever holds the returned object.
 */
export function createGraph(
  azure: AzureSettings,
  log: Logger,
  onResponse?: (status: number) => void,
): Graph {
  const baseUrl = azure.graphBaseUrl ?? GRAPH_BASE_URL;
  const stats = new GraphStats(onResponse);
  const credential = createCredential(azure);
  const client = createGraphClient(credential, { baseUrl, stats });
  const graphLog = log.child({ component: 'graph' });
  const reader = new GraphReader(client, baseUrl, graphLog);
  // Names and hosts only: the credential itself never reaches the log.
  graphLog.info(
    {
      credential: credentialKind(azure),
      authority: azure.authorityHost ?? 'https://login.microsoftonline.com',
      graph: baseUrl,
    },
    'microsoft graph configured',
  );
  const privileges = new GraphPrivileges(reader, { log: graphLog });
  return {
    privileges,
    directory: new GraphDirectory(reader),
    overview: new GraphOverview(reader, () => privileges.listRoles()),
    stats,
    credential,
    reader,
  };
}
