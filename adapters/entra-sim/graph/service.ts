/**
 * Microsoft Graph v1.0 behind Entra's tokens: a call without a valid, unexpired token is a 401
 * as Graph words it, and so is a person's token issued for another API (ARM's
 * `user_impersonation`); an authenticated one goes to the routes with the token's permissions.
 */
import { type IssuedToken, resourcesOf } from '../login.ts';
import type { SimReply, SimRequest } from '../sim-request.ts';
import type { Tenant } from '../tenant.ts';
import { graphError } from './errors.ts';
import { route } from './routes.ts';

export const isGraphPath = (pathname: string): boolean => pathname.startsWith('/v1.0/');

export const clientRequestId = (req: SimRequest): string | undefined => {
  const cid = req.headers['client-request-id'];
  return typeof cid === 'string' ? cid : undefined;
};

export function graphReply(
  t: Tenant,
  req: SimRequest,
  token: IssuedToken | undefined,
  now: number,
): SimReply {
  if (!req.graph) return graphError(404, 'UnknownError', 'Not found');
  const cid = clientRequestId(req);
  if (!token || token.expires <= now) {
    return graphError(
      401,
      'InvalidAuthenticationToken',
      token ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.',
      cid,
    );
  }
  if (token.user && !forGraph(token))
    return graphError(
      401,
      'InvalidAuthenticationToken',
      `Access token validation failure. Invalid audience: the token is for ${[...resourcesOf(token.scopes)].join(' ')}.`,
      cid,
    );
  return route(t, {
    method: req.method,
    path: req.graph.path,
    query: req.query,
    body: (req.body as Record<string, unknown> | null) ?? null,
    permissions: token.permissions,
    ...(token.user ? { user: token.user } : {}),
    ...(cid ? { clientRequestId: cid } : {}),
  });
}

/** A person's token names Graph's scopes, or none of any API (a plain sign-in). */
function forGraph(token: IssuedToken): boolean {
  const apis = resourcesOf(token.scopes);
  return apis.size === 0 || apis.has('https://graph.microsoft.com');
}
