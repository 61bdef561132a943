/**
 * Checks the ID token of a sign-in from chat with jose, against the signing keys the tenant's
 * OpenID configuration names: signature, `iss`, `aud`, `exp`, then `nonce`, `tid`, that `oid`
 * is the person the link was made for, MFA, and that the sign-in is recent. The token itself
 * is never logged or kept; only the verdict leaves this file.
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { type AppError, appError } from '../../bot/core/errors.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';

export interface Expected {
  readonly clientId: string;
  readonly tenantId: string;
  readonly nonce: string;
  /** The Entra object id of the person the link was made for, and how to name them. */
  readonly oid: string;
  readonly name: string;
  /** Seconds the sign-in (`auth_time`) may be old. */
  readonly maxAge: number;
  /** Authentication contexts that must all be in `acrs`; empty: `amr` must contain `mfa`. */
  readonly contexts: readonly string[];
  readonly now: number;
  /**
   * Whether the sign-in must prove MFA (default). A delegated-mode sign-in need not when
   * policy.yaml does not ask: PIM applies its own MFA rule to the token it is given.
   */
  readonly mfa?: boolean;
}

export interface Proof {
  /** When the person signed in (epoch ms). */
  readonly authTime: number;
}

interface Discovery {
  readonly issuer: string;
  readonly jwks: ReturnType<typeof createRemoteJWKSet>;
}

/** Tolerated clock difference with Entra, for `exp`, `nbf` and `auth_time`. */
const SKEW_SECONDS = 60;

export class IdTokenVerifier {
  readonly #configUrl: string;
  #discovery: Promise<Discovery> | null = null;

  constructor(authorityHost: string, tenantId: string) {
    this.#configUrl = `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`;
  }

  async verify(idToken: string, e: Expected): Promise<Result<Proof, AppError>> {
    const { issuer, jwks } = await this.#discover();
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(idToken, jwks, {
        issuer,
        audience: e.clientId,
        algorithms: ['RS256'],
        currentDate: new Date(e.now),
        clockTolerance: SKEW_SECONDS,
        requiredClaims: ['exp', 'iat', 'nonce', 'tid', 'oid'],
      }));
    } catch (error) {
      return err(appError('signin.invalid_token', { why: reason(error) }));
    }
    return checkClaims(claims, e);
  }

  /** Read once and kept; a failed read is tried again on the next sign-in. */
  #discover(): Promise<Discovery> {
    if (!this.#discovery) {
      this.#discovery = readDiscovery(this.#configUrl).catch((error: unknown) => {
        this.#discovery = null;
        throw error;
      });
    }
    return this.#discovery;
  }
}

async function readDiscovery(url: string): Promise<Discovery> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`the OpenID configuration answered ${res.status}`);
  const config = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof config.issuer !== 'string' || typeof config.jwks_uri !== 'string')
    throw new Error('the OpenID configuration names no issuer or jwks_uri');
  return { issuer: config.issuer, jwks: createRemoteJWKSet(new URL(config.jwks_uri)) };
}

function checkClaims(c: JWTPayload, e: Expected): Result<Proof, AppError> {
  if (c.nonce !== e.nonce) return err(appError('signin.invalid_token', { why: 'wrong nonce' }));
  if (c.tid !== e.tenantId) return err(appError('signin.invalid_token', { why: 'another tenant' }));
  if (c.oid !== e.oid) return err(appError('signin.wrong_person', { expected: e.name }));
  if (e.mfa === false)
    return ok({ authTime: typeof c.auth_time === 'number' ? c.auth_time * 1000 : e.now });
  const amr = strings(c.amr);
  const acrs = strings(c.acrs);
  // Without a context only `amr` can tell; Entra's v2.0 ID tokens leave it out, and then
  // nothing proves MFA: say so instead of blaming the person.
  if (e.contexts.length === 0 && c.amr === undefined) return err(appError('signin.no_mfa_claim'));
  const mfa =
    e.contexts.length > 0 ? e.contexts.every((x) => acrs.includes(x)) : amr.includes('mfa');
  if (!mfa) return err(appError('signin.no_mfa'));
  // auth_time is an optional claim in Entra (README: token configuration); without it the
  // age of the sign-in cannot be known, so it does not count.
  if (typeof c.auth_time !== 'number') return err(appError('signin.no_auth_time'));
  const authTime = c.auth_time * 1000;
  if (e.now - authTime > (e.maxAge + SKEW_SECONDS) * 1000)
    return err(appError('signin.too_old', { maxAge: e.maxAge }));
  return ok({ authTime });
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Why jose refused, in words for the page (never the token). */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'it was issued for another app';
    if (error.claim === 'iss') return 'another issuer';
    return `claim ${error.claim} is wrong`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'the signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey)
    return 'signed with a key the tenant does not publish';
  return 'it cannot be read';
}
