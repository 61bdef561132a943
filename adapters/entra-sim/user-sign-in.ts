/**
 * A person signing in to the simulated tenant (OpenID Connect, authorization code with
 * PKCE): the authorize endpoint, the `authorization_code` grant and the signing keys (JWKS).
 * There is no password: the sign-in page lets the person pick who they are and whether they
 * pass MFA ("with MFA" puts `mfa` in `amr` and satisfies any requested authentication
 * context in `acrs`). A client that knows the form fields (the tests) can answer it directly
 * with `sim_user` and `sim_mfa=yes|no` on the authorize URL. ID tokens are RS256 JWTs signed
 * with a key made at start. As in Entra, one token request gets an access token for one API
 * (Graph or ARM; AADSTS28000 otherwise), and a sign-in that asked for `offline_access` gets a
 * refresh token that the same app trades for a token for another API (`refresh_token` grant),
 * carrying the sign-in's MFA along.
 */
import {
  createHash,
  createSign,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { type App, moreThanOneResource, resourcesOf } from './login.ts';
import type { SimReply, SimRequest } from './sim-request.ts';
import type { StandInUser } from './tenant.ts';

/** What the ID token says, before it is signed; the tests' faults rewrite it. */
export type IdClaims = Record<string, unknown>;
export type ClaimsHook = (claims: IdClaims) => IdClaims;

interface Code {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly nonce: string;
  readonly user: StandInUser;
  readonly mfa: boolean;
  readonly acrs: readonly string[];
  readonly authTime: number;
  readonly expires: number;
  /** The `scope` of the authorize request: delegated scopes get an access token for them. */
  readonly scopes: readonly string[];
}

/** Makes the delegated access token for a person's sign-in (login.ts holds the tokens). */
export type UserTokenIssuer = (
  user: { readonly oid: string; readonly mfa: boolean },
  scopes: string[],
) => string;

/** What a refresh token stands for: the sign-in it came from. */
interface Refresh {
  readonly clientId: string;
  readonly user: StandInUser;
  readonly mfa: boolean;
  readonly expires: number;
}

const CODE_LIFETIME_MS = 10 * 60_000;
const REFRESH_LIFETIME_MS = 24 * 3_600_000;

export class UserSignIn {
  readonly #app: App;
  readonly #now: () => number;
  readonly #users: () => Iterable<StandInUser>;
  readonly #hook: ClaimsHook;
  readonly #issue: UserTokenIssuer;
  readonly #codes = new Map<string, Code>();
  readonly #refreshTokens = new Map<string, Refresh>();
  readonly #key: KeyObject;
  readonly #kid = randomBytes(8).toString('hex');
  readonly #jwk: Record<string, unknown>;

  constructor(
    app: App,
    now: () => number,
    users: () => Iterable<StandInUser>,
    issue: UserTokenIssuer,
    hook?: ClaimsHook,
  ) {
    this.#app = app;
    this.#issue = issue;
    this.#now = now;
    this.#users = users;
    this.#hook = hook ?? ((c) => c);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#key = privateKey;
    this.#jwk = { ...publicKey.export({ format: 'jwk' }), kid: this.#kid, use: 'sig', kty: 'RSA' };
  }

  /** Answers the user sign-in endpoints of the tenant; null for anything else. */
  handle(req: SimRequest, origin: string): SimReply | null {
    const base = `/${this.#app.tenantId}`;
    if (req.pathname === `${base}/discovery/v2.0/keys`)
      return { status: 200, body: { keys: [this.#jwk] } };
    if (req.pathname === `${base}/oauth2/v2.0/authorize` && req.method === 'GET')
      return this.#authorize(req.query);
    if (req.pathname === `${base}/oauth2/v2.0/token` && req.method === 'POST') {
      const form = new URLSearchParams(req.raw.toString('utf8'));
      if (form.get('grant_type') === 'authorization_code') return this.#redeem(form, origin);
      if (form.get('grant_type') === 'refresh_token') return this.#refresh(form);
    }
    return null;
  }

  #authorize(q: URLSearchParams): SimReply {
    const clientId = q.get('client_id');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (clientId !== this.#app.clientId)
      return page(
        400,
        'AADSTS700016',
        `Application with identifier '${clientId}' was not found in the directory.`,
      );
    if (!/^https?:\/\//.test(redirectUri))
      return page(400, 'AADSTS50011', 'The redirect URI is missing or not a URL.');
    if (q.get('response_type') !== 'code')
      return page(400, 'AADSTS700054', 'response_type must be code.');
    const challenge = q.get('code_challenge');
    if (!challenge || q.get('code_challenge_method') !== 'S256')
      return page(400, 'AADSTS9002325', 'Proof Key for Code Exchange (S256) is required.');
    const userRef = q.get('sim_user');
    const mfaChoice = q.get('sim_mfa');
    if (userRef === null || mfaChoice === null) return this.#signInPage(q);
    const user = this.#findUser(userRef);
    if (!user)
      return page(400, 'AADSTS50034', `The user account ${userRef} does not exist in this tenant.`);
    const code = randomBytes(24).toString('base64url');
    const mfa = mfaChoice === 'yes';
    this.#codes.set(code, {
      clientId,
      redirectUri,
      challenge,
      nonce: q.get('nonce') ?? '',
      user,
      mfa,
      acrs: mfa ? requestedContexts(q.get('claims')) : [],
      authTime: this.#now(),
      expires: this.#now() + CODE_LIFETIME_MS,
      scopes: (q.get('scope') ?? '').split(' ').filter(Boolean),
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    return {
      status: 302,
      body: '',
      headers: { location: back.toString(), 'content-type': 'text/plain' },
    };
  }

  #redeem(form: URLSearchParams, origin: string): SimReply {
    const code = this.#codes.get(form.get('code') ?? '');
    // A code is single use, whatever the outcome.
    this.#codes.delete(form.get('code') ?? '');
    const invalid = (description: string, codes = [70008]) => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: description, error_codes: codes },
    });
    if (!code || code.expires <= this.#now())
      return invalid(
        'AADSTS70008: The provided authorization code is expired or was already used.',
      );
    if (form.get('client_id') !== code.clientId)
      return invalid('AADSTS700016: The code was issued to another application.', [700016]);
    if (!this.#clientAuthenticated(form)) return INVALID_CLIENT;
    if (form.get('redirect_uri') !== code.redirectUri)
      return invalid(
        'AADSTS50148: The redirect_uri does not match the one of the authorization request.',
        [50148],
      );
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge)
      return invalid(
        'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        [501481],
      );
    const now = Math.floor(this.#now() / 1000);
    const { tenantId, clientId } = this.#app;
    const claims = this.#hook({
      aud: clientId,
      iss: `${origin}/${tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      auth_time: Math.floor(code.authTime / 1000),
      nonce: code.nonce,
      tid: tenantId,
      oid: code.user.id,
      sub: createHash('sha256').update(`${code.user.id}:${clientId}`).digest('base64url'),
      name: code.user.displayName,
      preferred_username: code.user.userPrincipalName,
      amr: code.mfa ? ['pwd', 'mfa'] : ['pwd'],
      ...(code.acrs.length > 0 ? { acrs: [...code.acrs] } : {}),
      ver: '2.0',
    });
    // The token is for the scopes of the token request (MSAL sends them), within one API.
    const scopes = requestedScopes(form) ?? [...code.scopes];
    if (resourcesOf(scopes).size > 1) return moreThanOneResource(scopes);
    return {
      status: 200,
      body: {
        ...this.#tokens(code.user, code.mfa, scopes),
        id_token: this.#sign(claims),
        ...(scopes.includes('offline_access')
          ? { refresh_token: this.#newRefreshToken(code.clientId, code.user, code.mfa) }
          : {}),
      },
    };
  }

  /** A refresh token traded for an access token, for the API its `scope` names. */
  #refresh(form: URLSearchParams): SimReply {
    const refresh = this.#refreshTokens.get(form.get('refresh_token') ?? '');
    if (!refresh || refresh.expires <= this.#now() || refresh.clientId !== form.get('client_id'))
      return {
        status: 400,
        body: {
          error: 'invalid_grant',
          error_description:
            'AADSTS70000: The provided refresh token is invalid, expired or was issued to another application.',
          error_codes: [70000],
        },
      };
    if (!this.#clientAuthenticated(form)) return INVALID_CLIENT;
    const scopes = requestedScopes(form) ?? [];
    if (resourcesOf(scopes).size > 1) return moreThanOneResource(scopes);
    return {
      status: 200,
      body: {
        ...this.#tokens(refresh.user, refresh.mfa, scopes),
        refresh_token: form.get('refresh_token'),
      },
    };
  }

  #tokens(user: StandInUser, mfa: boolean, scopes: readonly string[]) {
    const clientInfo = Buffer.from(
      JSON.stringify({ uid: user.id, utid: this.#app.tenantId }),
    ).toString('base64url');
    return {
      token_type: 'Bearer',
      scope: scopes.join(' ') || 'openid profile',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: this.#issue({ oid: user.id, mfa }, [...scopes]),
      client_info: clientInfo,
    };
  }

  #newRefreshToken(clientId: string, user: StandInUser, mfa: boolean): string {
    for (const [old, r] of this.#refreshTokens)
      if (r.expires <= this.#now()) this.#refreshTokens.delete(old);
    const token = randomBytes(32).toString('base64url');
    this.#refreshTokens.set(token, {
      clientId,
      user,
      mfa,
      expires: this.#now() + REFRESH_LIFETIME_MS,
    });
    return token;
  }

  /** The app's secret, or a signed client assertion (its signature is not checked here). */
  #clientAuthenticated(form: URLSearchParams): boolean {
    return (
      form.get('client_secret') === this.#app.clientSecret || Boolean(form.get('client_assertion'))
    );
  }

  #sign(claims: IdClaims): string {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${part({ typ: 'JWT', alg: 'RS256', kid: this.#kid })}.${part(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.#key, 'base64url');
    return `${input}.${signature}`;
  }

  #findUser(ref: string): StandInUser | undefined {
    const wanted = ref.toLowerCase();
    for (const u of this.#users())
      if (u.id === ref || u.userPrincipalName.toLowerCase() === wanted) return u;
    return undefined;
  }

  /** The page a person sees: who signs in, and with or without MFA. */
  #signInPage(q: URLSearchParams): SimReply {
    const hint = (q.get('login_hint') ?? '').toLowerCase();
    const users = [...this.#users()].filter((u) => u.accountEnabled !== false);
    const options = users
      .map((u) => {
        const selected = u.userPrincipalName.toLowerCase() === hint ? ' selected' : '';
        return `<option value="${esc(u.id)}"${selected}>${esc(u.displayName)} (${esc(u.userPrincipalName)})</option>`;
      })
      .join('');
    const hidden = [...q.entries()]
      .filter(([k]) => !k.startsWith('sim_'))
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('');
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to the simulated tenant</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:4rem auto;padding:0 1rem}button{font:inherit;margin:.5rem .5rem 0 0;padding:.4rem .9rem}</style></head>
<body><h1>Sign in</h1><p>Simulated Microsoft Entra tenant. Nothing here is real: choose who signs in and whether they pass multi-factor authentication.</p>
<form method="get" action="">${hidden}<label>Account <select name="sim_user">${options}</select></label><br>
<button type="submit" name="sim_mfa" value="yes">Sign in with MFA</button><button type="submit" name="sim_mfa" value="no">Sign in without MFA</button></form></body></html>`;
    return { status: 200, body: html, headers: { 'content-type': 'text/html; charset=utf-8' } };
  }
}

const INVALID_CLIENT: SimReply = {
  status: 401,
  body: {
    error: 'invalid_client',
    error_description: 'AADSTS7000215: Invalid client secret provided.',
    error_codes: [7000215],
  },
};

/** The `scope` of a token request, or null when it names none. */
function requestedScopes(form: URLSearchParams): string[] | null {
  const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
  return scopes.length > 0 ? scopes : null;
}

/** The authentication contexts a `claims` request asks for in the ID token's `acrs`. */
function requestedContexts(claims: string | null): string[] {
  if (!claims) return [];
  try {
    const acrs = (
      JSON.parse(claims) as { id_token?: { acrs?: { value?: unknown; values?: unknown } } }
    ).id_token?.acrs;
    const values = [acrs?.value, ...(Array.isArray(acrs?.values) ? acrs.values : [])];
    return values.filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}

function page(status: number, code: string, message: string): SimReply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><h1>Sorry, we can't sign you in</h1><p>${code}: ${esc(message)}</p></body></html>`;
  return { status, body: html, headers: { 'content-type': 'text/html; charset=utf-8' } };
}

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
