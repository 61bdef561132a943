/**
 * Azure Resource Manager behind Entra's tokens, on its own origin: a call needs a valid,
 * unexpired token issued for this origin, the app's (`${armBaseUrl}/.default`) or a person's
 * delegated one (`${armBaseUrl}/user_impersonation`, which self requests need); a Graph token
 * is refused as ARM refuses a token for another audience.
 */
import type { IssuedToken } from '../login.ts';
import type { SimReply, SimRequest } from '../sim-request.ts';
import { armError } from './reply.ts';
import { armRoute } from './routes.ts';
import type { ArmState } from './state.ts';

/** Whether the token may call ARM at `origin`. */
export const armAudience = (token: IssuedToken | undefined, origin: string, now: number): boolean =>
  token !== undefined &&
  token.expires > now &&
  (token.scopes.includes(`${origin}/.default`) ||
    (token.user !== undefined && token.scopes.includes(`${origin}/user_impersonation`)));

export function armReply(
  arm: ArmState,
  req: SimRequest,
  token: IssuedToken | undefined,
  origin: string,
  now: number,
): SimReply {
  if (!token || token.expires <= now)
    return armError(
      401,
      'InvalidAuthenticationToken',
      token
        ? 'The access token expiry UTC time is earlier than current UTC time.'
        : 'The access token is missing or invalid.',
    );
  if (!armAudience(token, origin, now))
    return armError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${token.scopes.join(' ')}'. It should exactly match with one of the allowed audiences '${origin}/'.`,
    );
  return armRoute(arm, {
    method: req.method,
    pathname: req.pathname,
    query: req.query,
    body: req.body,
    now,
    ...(token.user ? { user: token.user } : {}),
  });
}
