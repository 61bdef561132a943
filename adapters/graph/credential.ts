/**
 * The credential the bot signs in to Entra with, chosen from configuration: certificate,
 * client secret, workload identity (federated token file) or managed identity. Token caching
 * and refresh are the SDK's.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import type { Config } from '../../bot/config.ts';

export type AzureConfig = NonNullable<Config['azure']>;
export type CredentialKind = 'certificate' | 'secret' | 'workload' | 'managed';

const MICROSOFT_HOSTS = /(^|\.)(microsoftonline\.(com|us)|chinacloudapi\.cn|microsoftonline\.de)$/i;

export function credentialKind(azure: AzureConfig): CredentialKind {
  if (azure.certificatePath) return 'certificate';
  if (azure.clientSecret) return 'secret';
  if (azure.federatedTokenFile) return 'workload';
  return 'managed';
}

export function createCredential(azure: AzureConfig): TokenCredential {
  const tenantId = azure.tenantId ?? '';
  const clientId = azure.clientId ?? '';
  const host = azure.authorityHost;
  // MSAL looks up an unknown authority at the real login.microsoftonline.com unless told not to.
  const authority = host
    ? {
        authorityHost: host,
        disableInstanceDiscovery: !MICROSOFT_HOSTS.test(new URL(host).hostname),
      }
    : {};
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
      return new ManagedIdentityCredential(clientId ? { clientId } : {});
  }
}
