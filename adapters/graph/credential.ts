/**
 * The credential the bot signs in to Entra with, chosen from configuration. A certificate wins
 * over a secret (it is what the README recommends for a Tier-0 app); a federated token file
 * means workload identity (AKS); with neither, a managed identity. Token caching and refresh
 * are the SDK's.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import type { AzureSettings } from './settings.ts';

export type CredentialKind = 'certificate' | 'secret' | 'workload' | 'managed';

/** Authority hosts MSAL knows without asking (msal-common AuthorityMetadata). */
const MICROSOFT_AUTHORITIES = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com',
]);

export function credentialKind(azure: AzureSettings): CredentialKind {
  if (azure.certificatePath) return 'certificate';
  if (azure.clientSecret) return 'secret';
  if (azure.federatedTokenFile) return 'workload';
  return 'managed';
}

/**
 * `authorityHost` and, for a host MSAL does not know (a stand-in, a private cloud),
 * `disableInstanceDiscovery`: otherwise MSAL asks the real login.microsoftonline.com about it.
 */
export function authorityOptions(authorityHost: string | undefined): {
  authorityHost?: string;
  disableInstanceDiscovery?: boolean;
} {
  if (!authorityHost) return {};
  const host = new URL(authorityHost).hostname.toLowerCase();
  return MICROSOFT_AUTHORITIES.has(host)
    ? { authorityHost }
    : { authorityHost, disableInstanceDiscovery: true };
}

export function createCredential(azure: AzureSettings): TokenCredential {
  const tenantId = azure.tenantId ?? '';
  const clientId = azure.clientId ?? '';
  const authority = authorityOptions(azure.authorityHost);
  switch (credentialKind(azure)) {
    case 'certificate':
      return new ClientCertificateCredential(
        tenantId,
        clientId,
        { certificatePath: azure.certificatePath ?? '' },
        authority,
      );
    case 'secret':
      return new ClientSecretCredential(tenantId, clientId, azure.clientSecret ?? '', authority);
    case 'workload':
      return new WorkloadIdentityCredential({
        tenantId,
        clientId,
        tokenFilePath: azure.federatedTokenFile ?? '',
        ...authority,
      });
    case 'managed':
      // IMDS or the App Service endpoint, not the authority host: a user-assigned identity is
      // picked by AZURE_CLIENT_ID, a system-assigned one when it is unset.
      return new ManagedIdentityCredential(clientId ? { clientId } : {});
  }
}
