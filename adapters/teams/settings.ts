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
