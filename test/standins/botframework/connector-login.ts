/**
 * The Entra endpoint a bot gets its Connector token from (botframework-connector's
 * ToChannelFromBotLoginUrl, default https://login.microsoftonline.com/botframework.com).
 * MSAL reads `{loginUrl}/v2.0/.well-known/openid-configuration`, then POSTs a client-credentials
 * request to its token_endpoint with scope `https://api.botframework.com/.default`.
 */
import { randomBytes } from 'node:crypto';
import type { RouteResult, TokenRequest } from './connector-types.ts';

export const LOGIN_TENANT = 'botframework.com';
export const CONNECTOR_SCOPE = 'https://api.botframework.com/.default';
const TOKEN_LIFETIME_SECONDS = 3600;

export interface LoginOptions {
  appId: string;
  /** When set, the client secret must match. */
  appPassword?: string;
}

const entraError = (status: number, error: string, code: number, text: string): RouteResult => ({
  status,
  body: {
    error,
    error_description: `AADSTS${code}: ${text}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomBytes(16).toString('hex'),
    correlation_id: randomBytes(16).toString('hex'),
  },
});

export class ConnectorLogin {
  readonly requests: TokenRequest[] = [];
  private readonly issued = new Map<string, number>();
  private readonly options: LoginOptions;

  constructor(options: LoginOptions) {
    this.options = options;
  }

  /** Answers the login routes under `/botframework.com/`; `undefined` for any other path. */
  route(method: string, path: string, body: string, origin: string): RouteResult | undefined {
    const base = `/${LOGIN_TENANT}`;
    if (method === 'GET' && path === `${base}/v2.0/.well-known/openid-configuration`) {
      return { status: 200, body: openIdConfiguration(`${origin}${base}`) };
    }
    if (method === 'POST' && path === `${base}/oauth2/v2.0/token`) return this.token(body);
    return undefined;
  }

  /** True when `authorization` is `Bearer <token>` for a token this endpoint issued and still valid. */
  accepts(authorization: string | null): boolean {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    const expiresAt = match?.[1] === undefined ? undefined : this.issued.get(match[1]);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  /** Every token issued so far, newest last. */
  get tokens(): string[] {
    return [...this.issued.keys()];
  }

  private token(text: string): RouteResult {
    const form = new URLSearchParams(text);
    const request = {
      clientId: form.get('client_id') ?? undefined,
      scope: form.get('scope') ?? undefined,
      grantType: form.get('grant_type') ?? undefined,
    };
    const result = this.decide(request, form.get('client_secret'));
    this.requests.push({ ...request, status: result.status });
    return result;
  }

  private decide(request: Omit<TokenRequest, 'status'>, secret: string | null): RouteResult {
    if (request.grantType !== 'client_credentials') {
      return entraError(
        400,
        'unsupported_grant_type',
        70003,
        'The app requested an unsupported grant type.',
      );
    }
    if (request.clientId !== this.options.appId) {
      return entraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${request.clientId}' was not found.`,
      );
    }
    if (this.options.appPassword !== undefined && secret !== this.options.appPassword) {
      return entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    }
    if (request.scope !== CONNECTOR_SCOPE) {
      return entraError(
        400,
        'invalid_scope',
        70011,
        `The provided value for scope ${request.scope} is not valid.`,
      );
    }
    const accessToken = `bf-standin.${randomBytes(24).toString('base64url')}`;
    this.issued.set(accessToken, Date.now() + TOKEN_LIFETIME_SECONDS * 1000);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
        ext_expires_in: TOKEN_LIFETIME_SECONDS,
        access_token: accessToken,
      },
    };
  }
}

/** MSAL keeps only documents with these endpoints and an issuer on the authority's own host. */
function openIdConfiguration(authority: string): Record<string, unknown> {
  return {
    issuer: `${authority}/v2.0`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  };
}
