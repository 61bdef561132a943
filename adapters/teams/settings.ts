/**
 * What the Teams adapter needs to be told. `bot/config.ts` reads it from the environment;
 * a test or another entry point can build one directly.
 */

/** The Azure Bot's app types, as Bot Framework names them. */
export const TEAMS_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type TeamsAppType = (typeof TEAMS_APP_TYPES)[number];

export interface TeamsSettings {
  readonly appId?: string;
  readonly appPassword?: string;
  /** Required for a SingleTenant bot. */
  readonly tenantId?: string;
  readonly appType: TeamsAppType;
  /** Bot Connector service URL for the first proactive message into a channel. */
  readonly serviceUrl?: string;
  /** Serve /api/messages without an app id: local emulators and tests only. */
  readonly allowUnauthenticated: boolean;
  /** Another OpenID metadata document for token validation (a stand-in issuer). */
  readonly openIdMetadata?: string;
  /**
   * Another token endpoint for the bot's own Connector token (ToChannelFromBotLoginUrl,
   * `https://<host>/<tenant>`): a sovereign cloud or a stand-in. Microsoft's by default.
   */
  readonly loginUrl?: string;
}

/**
 * What botbuilder would refuse when it builds the adapter, checked without it: the SDK is
 * loaded on the first activity, and a bot that cannot authenticate must not start at all.
 */
export function teamsSettingsProblem(s: TeamsSettings): string | null {
  if (!s.appId) return null;
  const id = s.appId.trim();
  const password = s.appPassword?.trim() ?? '';
  const tenant = s.tenantId?.trim() ?? '';
  if (!id) return 'MICROSOFT_APP_ID is blank: set the Azure Bot app id, or unset it.';
  if (s.appType === 'SingleTenant') {
    if (!tenant)
      return 'MICROSOFT_APP_TENANT_ID is missing: a SingleTenant bot needs its tenant id. Set it, or set MICROSOFT_APP_TYPE=MultiTenant.';
    if (!password)
      return 'MICROSOFT_APP_PASSWORD is missing: a SingleTenant bot needs its client secret. Set it (Azure Bot → Configuration → Manage password).';
  }
  if (s.appType === 'UserAssignedMSI') {
    if (!tenant)
      return 'MICROSOFT_APP_TENANT_ID is missing: a UserAssignedMSI bot needs its tenant id. Set it.';
    if (password)
      return 'MICROSOFT_APP_PASSWORD is set for a UserAssignedMSI bot, which signs in with its managed identity: unset it, or set MICROSOFT_APP_TYPE to the app type that has the password.';
  }
  return null;
}
