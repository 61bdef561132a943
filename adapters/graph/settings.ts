/**
 * How the bot signs in to Entra and reaches Microsoft Graph. `bot/config.ts` reads it from
 * the environment; a test or another entry point can build one directly.
 */
export interface AzureSettings {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly certificatePath?: string;
  /** Workload identity: a file holding the federated token. */
  readonly federatedTokenFile?: string;
  readonly authorityHost?: string;
  /** Another Graph base (a stand-in in tests). */
  readonly graphBaseUrl?: string;
  /** Another Azure Resource Manager base (a sovereign cloud, a stand-in in tests). */
  readonly armBaseUrl?: string;
}
