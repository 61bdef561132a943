/**
 * Bot Framework authentication from our configuration. With a stand-in issuer
 * (BOT_OPENID_METADATA) botframework-connector switches to "parameterized" mode, where every
 * value left unset is undefined (and every token refused), so the whole set is given. Token
 * errors from jsonwebtoken are turned into 401s: botbuilder 4.23 answers them with 500.
 */
import { type Activity, ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { TeamsSettings } from './settings.ts';

const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

export class StrictAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof Error && TOKEN_ERRORS.has(error.name)) {
        throw new AuthenticationError(`Unauthorized. ${error.message}`, StatusCodes.UNAUTHORIZED);
      }
      throw error;
    }
  }
}

export function botAuthentication(teams: TeamsSettings): ConfigurationBotFrameworkAuthentication {
  const settings: Record<string, string> = {
    MicrosoftAppId: teams.appId ?? '',
    MicrosoftAppPassword: teams.appPassword ?? '',
    // Without an app id botbuilder skips auth (allowed only by TEAMS_ALLOW_UNAUTHENTICATED) and
    // insists on MultiTenant.
    MicrosoftAppType: teams.appId ? teams.appType : 'MultiTenant',
    ...(teams.tenantId ? { MicrosoftAppTenantId: teams.tenantId } : {}),
  };
  if (teams.openIdMetadata) {
    Object.assign(settings, {
      BotOpenIdMetadata: teams.openIdMetadata,
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToBotFromEmulatorOpenIdMetadataUrl: teams.openIdMetadata,
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      OAuthUrl: 'https://api.botframework.com',
      CallerId: 'urn:botframework:azure',
    });
  }
  return new StrictAuthentication(settings);
}
