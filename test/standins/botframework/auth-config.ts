/**
 * The botbuilder configuration a bot with a Microsoft App ID needs to talk to the stand-ins.
 * Setting any one of BotOpenIdMetadata, ToChannelFromBotLoginUrl, ToBotFromChannelTokenIssuer,
 * … switches botframework-connector (BotFrameworkAuthenticationFactory.create) from its built-in
 * public-cloud constants to "parameterized" mode, where EVERY unset value stays undefined: e.g.
 * without ToBotFromChannelTokenIssuer the allowed issuer list is [undefined] and every channel
 * token is rejected. So the whole set goes together.
 */
import { CHANNEL_TOKEN_ISSUER } from './channel-issuer.ts';

export interface StandInAuthConfig {
  appId: string;
  appPassword: string;
  /** ChannelIssuer.openIdMetadataUrl */
  openIdMetadataUrl: string;
  /** BotConnectorStandIn.loginUrl, or Microsoft's when outbound calls are not exercised. */
  loginUrl?: string;
}

export function standInAuthConfig(o: StandInAuthConfig): Record<string, string> {
  return {
    MicrosoftAppId: o.appId,
    MicrosoftAppPassword: o.appPassword,
    MicrosoftAppType: 'MultiTenant',
    BotOpenIdMetadata: o.openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: CHANNEL_TOKEN_ISSUER,
    // Emulator and skill tokens are checked against this document; keep it local too.
    ToBotFromEmulatorOpenIdMetadataUrl: o.openIdMetadataUrl,
    ToChannelFromBotLoginUrl: o.loginUrl ?? 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    CallerId: 'urn:botframework:azure',
  };
}
