/**
 * A person's delegated access token from the Entra stand-in, the way a browser and the bot
 * get one: the authorize endpoint answered as `user` (with or without MFA), then the code
 * redeemed with PKCE and the app's secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import { createGraphClient } from '../../../adapters/graph/client.ts';
import type { GraphStandIn } from '../../standins/graph/index.ts';

export const DIRECTORY_SCOPE =
  'https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory';
export const GROUP_SCOPE =
  'https://graph.microsoft.com/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup';

export async function userToken(
  g: GraphStandIn,
  user: string,
  mfa: boolean,
  scopes: readonly string[] = [DIRECTORY_SCOPE],
): Promise<string> {
  const scope = ['openid', 'profile', ...scopes].join(' ');
  const verifier = randomBytes(32).toString('base64url');
  const redirect = 'https://elevate.contoso.example/auth/callback';
  const authorize = new URL(`${g.authorityHost}/${g.tenantId}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries({
    client_id: g.clientId,
    redirect_uri: redirect,
    response_type: 'code',
    scope,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    sim_user: user,
    sim_mfa: mfa ? 'yes' : 'no',
  }))
    authorize.searchParams.set(k, v);
  const back = (await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? '';
  const code = new URL(back).searchParams.get('code') ?? '';
  const res = await fetch(`${g.authorityHost}/${g.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: g.clientId,
      client_secret: g.clientSecret,
      code,
      redirect_uri: redirect,
      code_verifier: verifier,
      scope,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The Graph client around one person's token. */
export const userClient = (g: GraphStandIn, token: string): Client =>
  createGraphClient(
    { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    { baseUrl: g.graphBaseUrl, maxRetries: 0 },
  );
