/**
 * Azure resource roles, assembled: the bot's one credential (shared with Graph, token scope
 * `${ARM_BASE_URL}/.default`), the ARM client and the PIM adapter for the configured scopes.
 * Built only when the policy names `azure.scopes`.
 */
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../../bot/core/ports/logger.ts';
import { ARM_BASE_URL, ArmClient } from './client.ts';
import { AzureOverview } from './overview.ts';
import { AzurePrivileges } from './privileges.ts';

export { ARM_BASE_URL, ArmClient } from './client.ts';
export { ArmRefusedError, ArmUnavailableError } from './errors.ts';
export { AzurePrivileges } from './privileges.ts';

export interface AzureRolesOptions {
  /** ARM_BASE_URL; https only. */
  readonly baseUrl?: string;
  /** Policy `azure.scopes`. */
  readonly scopes: readonly string[];
  readonly log: Logger;
  readonly onResponse?: (status: number) => void;
}

/**
 * The PIM adapter for Azure roles, the security scan's view of the same scopes, and the client
 * they share (delegated mode reads with it).
 */
export function createAzure(
  credential: TokenCredential,
  options: AzureRolesOptions,
): {
  readonly privileges: AzurePrivileges;
  readonly overview: AzureOverview;
  readonly client: ArmClient;
} {
  const baseUrl = options.baseUrl ?? ARM_BASE_URL;
  const log = options.log.child({ component: 'arm' });
  const client = new ArmClient(credential, {
    baseUrl,
    ...(options.onResponse ? { onResponse: options.onResponse } : {}),
  });
  log.info(
    { arm: client.baseUrl, scopes: options.scopes.length },
    'azure resource manager configured',
  );
  return {
    privileges: new AzurePrivileges(client, options.scopes, { log }),
    overview: new AzureOverview(client, options.scopes),
    client,
  };
}

export function createAzurePrivileges(
  credential: TokenCredential,
  options: AzureRolesOptions,
): AzurePrivileges {
  return createAzure(credential, options).privileges;
}
