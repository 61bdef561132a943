/** Microsoft Graph, assembled from configuration: credential, client, directory and PIM. */
import type { Logger } from '../../bot/log.ts';
import { createGraphClient } from './client.ts';
import { type AzureConfig, createCredential, credentialKind } from './credential.ts';
import { GraphDirectory } from './directory.ts';
import { GraphPrivileges } from './privileges.ts';

export function createGraph(
  azure: AzureConfig,
  log: Logger,
  onResponse?: (status: number) => void,
) {
  const credential = createCredential(azure);
  const client = createGraphClient(credential, {
    ...(azure.graphBaseUrl ? { baseUrl: azure.graphBaseUrl } : {}),
    ...(onResponse ? { onResponse } : {}),
  });
  log.info(
    {
      credential: credentialKind(azure),
      graph: azure.graphBaseUrl ?? 'https://graph.microsoft.com',
    },
    'microsoft graph configured',
  );
  return { directory: new GraphDirectory(client), privileges: new GraphPrivileges(client) };
}
