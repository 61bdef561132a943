/**
 * Entra sign-in for the app: OpenID discovery and the client-credentials token endpoint of one
 * tenant. Tokens are opaque and carry the app's permissions at the time they were issued, so
 * a permission revoked later still works until the token expires, as in Entra.
 */
import { randomBytes } from 'node:crypto';
import type { SimReply, SimRequest } from './sim-request.ts';

export interface App {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenLifetimeSeconds: number;
}

export interface IssuedToken {
  readonly permissions: ReadonlySet<string>;
  readonly expires: number;
  /** The scopes asked for (`https://graph.microsoft.com/.default`): who the token is for. */
  readonly scopes: readonly string[];
  /**
   * A person's delegated token (authorization code flow): who signed in and whether with MFA
   * (`amr`). Its `permissions` are the delegated scopes granted; absent for the app's own token.
   */
  readonly user?: { readonly oid: string; readonly mfa: boolean };
}

/** Scopes of the sign-in itself, which name no API. */
const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * The API a scope is for: `https://graph.microsoft.com/User.Read` is Graph's, an ARM origin's
 * `/user_impersonation` is that ARM's; a bare name (`User.Read`) is Graph's, as in Entra.
 */
export function resourceOf(scope: string): string {
  const cut = scope.lastIndexOf('/');
  return cut > 0 ? scope.slice(0, cut) : 'https://graph.microsoft.com';
}

/** The APIs the scopes of one token request are for; Entra issues a token for one only. */
export const resourcesOf = (scopes: readonly string[]): Set<string> =>
  new Set(scopes.filter((s) => !OIDC_SCOPES.has(s)).map(resourceOf));

/** Entra's answer to a token request whose scopes span two APIs (Graph and ARM). */
export const moreThanOneResource = (scopes: readonly string[]): SimReply => ({
  status: 400,
  body: {
    error: 'invalid_request',
    error_description: `AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scopes.join(' ')} is not valid.`,
    error_codes: [28000],
  },
});

/** The delegated scopes the simulated tenant grants a person who asks for them. */
export const DELEGATED_SCOPES: ReadonlySet<string> = new Set([
  'RoleAssignmentSchedule.ReadWrite.Directory',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'user_impersonation',
]);

export class Login {
  readonly #app: App;
  readonly #now: () => number;
  readonly #permissions: () => ReadonlySet<string>;
  readonly #tokens = new Map<string, IssuedToken>();

  constructor(app: App, now: () => number, permissions: () => ReadonlySet<string>) {
    this.#app = app;
    this.#now = now;
    this.#permissions = permissions;
  }

  /**
   * A delegated access token for a person who signed in: the delegated scopes asked for
   * (`https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory`, or an ARM
   * origin's `/user_impersonation`), which the app registration is consented for.
   */
  issueUserToken(user: { readonly oid: string; readonly mfa: boolean }, scopes: string[]): string {
    const granted = scopes
      .map((s) => s.split('/').pop() ?? s)
      .filter((s) => DELEGATED_SCOPES.has(s));
    const access = jwtShaped({
      oid: user.oid,
      scp: granted.join(' '),
      amr: user.mfa ? ['pwd', 'mfa'] : ['pwd'],
    });
    this.#tokens.set(access, {
      permissions: new Set(granted),
      expires: this.#now() + this.#app.tokenLifetimeSeconds * 1000,
      scopes,
      user,
    });
    return access;
  }

  /** The token behind an `Authorization: Bearer` header, expired ones included. */
  token(authorization: string | undefined): IssuedToken | undefined {
    return this.#tokens.get((authorization ?? '').replace(/^Bearer /, ''));
  }

  /**
   * Answers sign-in requests; null for anything else. `pageOrigin`: where a person's browser
   * reaches the authorize page, when not at `origin` (the sandbox serves it over plain HTTP).
   */
  handle(req: SimRequest, origin: string, pageOrigin = origin): SimReply | null {
    const { tenantId } = this.#app;
    const path = req.pathname;
    if (path === `/${tenantId}/v2.0/.well-known/openid-configuration`)
      return { status: 200, body: openIdConfig(origin, tenantId, pageOrigin) };
    if (path === `/${tenantId}/oauth2/v2.0/token` && req.method === 'POST')
      return this.#tokenReply(new URLSearchParams(req.raw.toString('utf8')));
    if (/^\/[^/]+\/(v2\.0\/\.well-known|oauth2)/.test(path)) {
      return {
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: `AADSTS90002: Tenant '${path.split('/')[1]}' not found.`,
          error_codes: [90002],
        },
      };
    }
    return null;
  }

  #tokenReply(form: URLSearchParams): SimReply {
    const { clientId, clientSecret, tokenLifetimeSeconds: lifetime } = this.#app;
    if (form.get('grant_type') !== 'client_credentials')
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    if (form.get('client_id') !== clientId) {
      return {
        status: 400,
        body: {
          error: 'unauthorized_client',
          error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`,
          error_codes: [700016],
        },
      };
    }
    // Certificate credentials send a signed client assertion; its signature is not checked here.
    const assertion = form.get('client_assertion');
    if (form.get('client_secret') !== clientSecret && !assertion) {
      return {
        status: 401,
        body: {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
          error_codes: [7000215],
        },
      };
    }
    const permissions = new Set(this.#permissions());
    // As Entra's: the app's application permissions in the `roles` claim, readable by the app.
    const access = jwtShaped({ appid: clientId, tid: this.#app.tenantId, roles: [...permissions] });
    this.#tokens.set(access, {
      permissions,
      expires: this.#now() + lifetime * 1000,
      scopes: (form.get('scope') ?? '').split(' ').filter(Boolean),
    });
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: access,
      },
    };
  }
}

/**
 * An access token shaped like Entra's (header.claims.signature, base64url JSON). Only the
 * simulated tenant checks it, by lookup; the signature part is random and checked by no one.
 */
function jwtShaped(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.${randomBytes(24).toString('base64url')}`;
}

function openIdConfig(origin: string, tenant: string, pageOrigin: string) {
  const base = `${origin}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${pageOrigin}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      ...['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'nonce', 'auth_time'],
      ...['amr', 'acrs', 'name', 'preferred_username'],
    ],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    msgraph_host: 'graph.microsoft.com',
  };
}
