/**
 * Stand-in for the Bot Framework channel token issuer (login.botframework.com). Point the bot's
 * BotOpenIdMetadata at `openIdMetadataUrl`; botframework-connector (lib/auth/openIdMetadata.js)
 * fetches it and its jwks_uri with node-fetch, so plain http works. Tokens are RS256 with
 * iss https://api.botframework.com, aud = app id and the `serviceurl` claim the validator
 * compares with activity.serviceUrl. Keys carry `endorsements`: a key with endorsements only
 * validates activities whose channelId is listed (lib/auth/endorsementsValidator.js).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { closeServer, listen, sendJson } from './http-util.ts';

export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

export interface ChannelTokenClaims {
  appId: string;
  serviceUrl: string;
  /** Default 3600. Negative for an expired token (botframework-connector allows 300 s skew). */
  expiresInSeconds?: number;
  issuer?: string;
}

export interface ChannelIssuer {
  readonly openIdMetadataUrl: string;
  /** Paths the bot fetched (metadata, keys), in order. */
  readonly requests: readonly string[];
  sign(claims: ChannelTokenClaims): Promise<string>;
  /** Same header and claims, signed by a key the JWKS does not hold: a forgery. */
  signWithForeignKey(claims: ChannelTokenClaims): Promise<string>;
  close(): Promise<void>;
}

export async function startChannelIssuer(
  options: { endorsements?: string[] } = {},
): Promise<ChannelIssuer> {
  const real = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const kid = randomBytes(16).toString('base64url');
  const jwk = await exportJWK(real.publicKey);
  const keys = {
    keys: [
      {
        ...jwk,
        kty: 'RSA',
        use: 'sig',
        kid,
        x5t: kid,
        endorsements: options.endorsements ?? ['msteams'],
      },
    ],
  };
  // botframework-connector caches metadata per URL for 24 h, process-wide: a fresh path per
  // issuer keeps a later issuer on a reused port from meeting stale keys.
  const prefix = `/${randomBytes(8).toString('hex')}/v1/.well-known`;
  const requests: string[] = [];

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    requests.push(path);
    if (req.method === 'GET' && path === `${prefix}/openidconfiguration`) {
      return sendJson(res, 200, {
        issuer: CHANNEL_TOKEN_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${origin}${prefix}/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && path === `${prefix}/keys`) return sendJson(res, 200, keys);
    return sendJson(res, 404, { error: 'not_found' });
  });
  const origin = `http://127.0.0.1:${await listen(server, '127.0.0.1')}`;

  const signWith = (key: CryptoKey, claims: ChannelTokenClaims): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (claims.expiresInSeconds ?? 3600);
    const issuedAt = Math.min(now, exp) - 300;
    return new SignJWT({ serviceurl: claims.serviceUrl })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })
      .setIssuer(claims.issuer ?? CHANNEL_TOKEN_ISSUER)
      .setAudience(claims.appId)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(exp)
      .sign(key);
  };

  return {
    openIdMetadataUrl: `${origin}${prefix}/openidconfiguration`,
    requests,
    sign: (claims) => signWith(real.privateKey, claims),
    signWithForeignKey: (claims) => signWith(foreign.privateKey, claims),
    close: () => closeServer(server),
  };
}
