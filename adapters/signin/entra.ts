/**
 * The OAuth 2.0 authorization code flow with Entra, on MSAL (ConfidentialClientApplication):
 * the authorize URL with PKCE, and redeeming the code with the bot's own client credential
 * (secret, certificate or federated token: the settings Graph already uses). A fresh MSAL
 * client per call, so nothing it caches (ID, access or refresh token) outlives the call.
 *
 * An access token is for one API, and Entra refuses a token request whose scopes name two
 * (AADSTS28000). A delegated sign-in for Graph and ARM targets asks for both sets of scopes at
 * authorize (one consent, one sign-in), redeems the code for the first API, and gets the
 * other API's token silently with the refresh token that redemption left in that call's MSAL
 * cache, which is dropped with the client when the call returns.
 */

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ConfidentialClientApplication,
  type Configuration,
  LogLevel,
  type NodeAuthOptions,
} from '@azure/msal-node';
import { authorityOptions } from '../graph/credential.ts';
import type { AzureSettings } from '../graph/settings.ts';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const SCOPES = ['openid', 'profile'];

export interface AuthorizeParams {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
  readonly loginHint?: string;
  /** Conditional Access authentication contexts to ask for in `acrs` (`c1`). */
  readonly contexts: readonly string[];
  /** Delegated scopes to ask for beside `openid profile` (delegated mode). */
  readonly scopes?: readonly string[];
}

/** What a redeemed code gives: the ID token, and an access token for each scope asked for. */
export interface RedeemedTokens {
  readonly idToken: string;
  /** By scope; scopes of one API share their token. */
  readonly accessTokens: ReadonlyMap<string, string>;
}

/**
 * The API a scope is for: the part before its last `/` (`https://graph.microsoft.com`,
 * `https://management.azure.com`); a bare permission name (`User.Read`) is Graph's.
 */
export function resourceOf(scope: string): string {
  const cut = scope.lastIndexOf('/');
  return cut > 0 ? scope.slice(0, cut) : 'https://graph.microsoft.com';
}

/** Scopes grouped by their API, in the order first named. */
export function byResource(scopes: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const scope of scopes) {
    const api = resourceOf(scope);
    groups.set(api, [...(groups.get(api) ?? []), scope]);
  }
  return [...groups.values()];
}

export class EntraCodeFlow {
  readonly #azure: AzureSettings;

  constructor(azure: AzureSettings) {
    if (!azure.tenantId || !azure.clientId) throw new Error('the tenant and client ids are needed');
    if (!hasClientCredential(azure))
      throw new Error(
        'sign-in from chat needs the app credential: a secret, certificate or federated token',
      );
    this.#azure = azure;
  }

  get authorityHost(): string {
    return (this.#azure.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  }

  get tenantId(): string {
    return this.#azure.tenantId ?? '';
  }

  get clientId(): string {
    return this.#azure.clientId ?? '';
  }

  /** `${authority}/${tenant}/oauth2/v2.0/authorize?…` (from the tenant's OpenID configuration). */
  async authorizeUrl(p: AuthorizeParams): Promise<string> {
    return this.#client().getAuthCodeUrl({
      scopes: [...SCOPES, ...(p.scopes ?? [])],
      redirectUri: p.redirectUri,
      responseMode: 'query',
      state: p.state,
      nonce: p.nonce,
      codeChallenge: p.codeChallenge,
      codeChallengeMethod: 'S256',
      prompt: 'login',
      ...(p.loginHint ? { loginHint: p.loginHint } : {}),
      ...(p.contexts.length > 0 ? { claims: acrsClaims(p.contexts) } : {}),
    });
  }

  /**
   * The ID token for `code`; throws with MSAL's or Entra's `errorCode` when it is refused
   * (`nonce_mismatch`: MSAL compared the token's nonce with the one sent, before jose does).
   */
  async redeem(code: string, codeVerifier: string, redirectUri: string, nonce: string) {
    return (await this.redeemTokens(code, codeVerifier, redirectUri, nonce)).idToken;
  }

  /**
   * The ID token and, for `scopes` (delegated mode), the person's access tokens, one per API
   * (file comment). The fresh MSAL client holds them and the refresh token only for this call.
   */
  async redeemTokens(
    code: string,
    codeVerifier: string,
    redirectUri: string,
    nonce: string,
    scopes: readonly string[] = [],
  ): Promise<RedeemedTokens> {
    const [first = [], ...others] = byResource(scopes);
    const client = this.#client();
    const result = await client.acquireTokenByCode({
      code,
      codeVerifier,
      redirectUri,
      nonce,
      scopes: [...SCOPES, ...first],
    });
    if (!result.idToken) throw new Error('Entra answered without an ID token');
    const accessTokens = new Map(first.map((s) => [s, result.accessToken]));
    for (const group of others) {
      if (!result.account) throw new Error('Entra answered without an account for more tokens');
      const more = await client.acquireTokenSilent({ account: result.account, scopes: group });
      for (const s of group) accessTokens.set(s, more.accessToken);
    }
    return { idToken: result.idToken, accessTokens };
  }

  #client(): ConfidentialClientApplication {
    const authority = authorityOptions(this.#azure.authorityHost);
    const host = new URL(this.authorityHost).host;
    const auth: NodeAuthOptions = {
      clientId: this.clientId,
      authority: `${this.authorityHost}/${this.tenantId}`,
      // A host MSAL does not know (a stand-in, a private cloud): trust it, ask nobody about it.
      ...(authority.disableInstanceDiscovery ? { knownAuthorities: [host] } : {}),
      ...clientCredential(this.#azure),
    };
    const config: Configuration = {
      auth,
      system: {
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Error,
          loggerCallback: () => {},
        },
      },
    };
    return new ConfidentialClientApplication(config);
  }
}

/** `claims` asking Entra to satisfy (and state in `acrs`) the authentication contexts. */
export function acrsClaims(contexts: readonly string[]): string {
  const acrs =
    contexts.length === 1
      ? { essential: true, value: contexts[0] }
      : { essential: true, values: [...contexts] };
  return JSON.stringify({ id_token: { acrs } });
}

/** The app's own credential as MSAL takes it, in the order Graph's credential picks it. */
function clientCredential(
  azure: AzureSettings,
): Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate' | 'clientAssertion'> | null {
  if (azure.certificatePath) {
    const path = azure.certificatePath;
    const pem = readFileSync(path, 'utf8');
    const key =
      /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
        pem,
      )?.[0];
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    if (!key || !cert)
      throw new Error(`${path} must hold the certificate and its private key (PEM)`);
    const x509 = new X509Certificate(cert);
    return {
      clientCertificate: {
        thumbprintSha256: x509.fingerprint256.replaceAll(':', ''),
        privateKey: key,
        x5c: cert,
      },
    };
  }
  if (azure.clientSecret) return { clientSecret: azure.clientSecret };
  if (azure.federatedTokenFile) {
    const file = azure.federatedTokenFile;
    // Re-read on every call: the platform rotates the projected token.
    return { clientAssertion: async () => readFileSync(file, 'utf8').trim() };
  }
  return null;
}

/** Whether the settings carry a credential the code flow can use (a managed identity cannot). */
export const hasClientCredential = (azure: AzureSettings): boolean =>
  Boolean(azure.certificatePath || azure.clientSecret || azure.federatedTokenFile);
