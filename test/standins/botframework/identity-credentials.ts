/**
 * Bot-side credentials for a login host that is not Microsoft's (the stand-in, a sovereign
 * cloud). Setting only ToChannelFromBotLoginUrl is not enough: botframework-connector then
 * builds an MSAL 2 ConfidentialClientApplication for that authority without knownAuthorities,
 * and MSAL asks the REAL login.microsoftonline.com for instance discovery, failing with
 * `untrusted_authority` (offline, or because Microsoft does not know the host). This factory
 * gets the Connector token through @azure/identity instead, with instance discovery off, as
 * the Graph adapter does. Pass it as ConfigurationBotFrameworkAuthentication's second argument.
 */
import { ClientSecretCredential } from '@azure/identity';
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type CredentialsFactory = NonNullable<
  ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]
>;

interface Signable {
  headers: { set(name: string, value: string): void };
}

const DEFAULT_SCOPE = 'https://api.botframework.com';

export function identityCredentialsFactory(options: {
  appId: string;
  appPassword: string;
  /** ToChannelFromBotLoginUrl, e.g. `https://localhost:8443/botframework.com`. */
  loginUrl: string;
}): CredentialsFactory {
  const login = new URL(options.loginUrl);
  const tenant = login.pathname.replace(/^\/+|\/+$/g, '');
  const credential = new ClientSecretCredential(tenant, options.appId, options.appPassword, {
    authorityHost: login.origin,
    disableInstanceDiscovery: true,
  });
  return {
    isValidAppId: async (appId) => appId === options.appId,
    isAuthenticationDisabled: async () => false,
    async createCredentials(appId, audience) {
      if (appId !== options.appId) throw new Error('Invalid appId.');
      const scope = `${(audience ?? DEFAULT_SCOPE).replace(/\/$/, '')}/.default`;
      return {
        // @azure/identity caches the token and renews it before it expires.
        async signRequest<T extends Signable>(webResource: T): Promise<T> {
          const token = await credential.getToken(scope);
          webResource.headers.set('authorization', `Bearer ${token.token}`);
          return webResource;
        },
      };
    },
  };
}
