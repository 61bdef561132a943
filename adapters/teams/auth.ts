/**
 * Bot Framework authentication from our configuration. With a stand-in issuer
 * (BOT_OPENID_METADATA) botframework-connector switches to "parameterized" mode, where every
 * value left unset is undefined (and every token refused), so the whole set is given. Token
 * errors from jsonwebtoken are turned into 401s: botbuilder 4.23 answers them with 500.
 */
import { ClientSecretCredential } from '@azure/identity';
import { type Activity, ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { TeamsSettings } from './settings.ts';

type CredentialsFactory = NonNullable<
  ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]
>;

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
  if (teams.openIdMetadata || teams.loginUrl) {
    Object.assign(settings, {
      ...(teams.openIdMetadata
        ? {
            BotOpenIdMetadata: teams.openIdMetadata,
            ToBotFromEmulatorOpenIdMetadataUrl: teams.openIdMetadata,
          }
        : {}),
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToChannelFromBotLoginUrl:
        teams.loginUrl ?? 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      OAuthUrl: 'https://api.botframework.com',
      CallerId: 'urn:botframework:azure',
    });
  }
  const credentials =
    teams.loginUrl && teams.appId
      ? loginHostCredentials(teams.appId, teams.appPassword ?? '', teams.loginUrl)
      : undefined;
  return new StrictAuthentication(settings, credentials);
}

/**
 * The bot's Connector token from another login host (BOT_LOGIN_URL). botframework-connector's
 * own MSAL client asks login.microsoftonline.com to discover any other authority, which fails
 * for a host Microsoft does not list; @azure/identity with instance discovery off does not.
 */
function loginHostCredentials(
  appId: string,
  appPassword: string,
  loginUrl: string,
): CredentialsFactory {
  const login = new URL(loginUrl);
  const tenant = login.pathname.replace(/^\/+|\/+$/g, '') || 'botframework.com';
  const credential = new ClientSecretCredential(tenant, appId, appPassword, {
    authorityHost: login.origin,
    disableInstanceDiscovery: true,
  });
  return {
    isValidAppId: async (id) => id === appId,
    isAuthenticationDisabled: async () => false,
    async createCredentials(id, audience) {
      if (id !== appId) throw new AuthenticationError('Invalid appId.', StatusCodes.UNAUTHORIZED);
      const scope = `${(audience || 'https://api.botframework.com').replace(/\/$/, '')}/.default`;
      return {
        async signRequest<T extends { headers: { set(name: string, value: string): void } }>(
          request: T,
        ): Promise<T> {
          const token = await credential.getToken(scope);
          request.headers.set('authorization', `Bearer ${token.token}`);
          return request;
        },
      };
    },
  };
}
