/**
 * A simulated Entra tenant: sign-in (OpenID discovery, client-credentials tokens, a person's
 * sign-in with or without MFA for sign-in from chat) and the
 * Microsoft Graph PIM subset on one port, for the real @azure/identity and Graph client, and,
 * when asked, Azure Resource Manager's PIM for Azure roles on a second one. The
 * sandbox serves it when no Azure credentials are set; the tests serve it over HTTPS with a
 * throwaway CA and build their fault injection and call recording on `middleware`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { armAudience, armReply } from './arm/service.ts';
import { ArmState } from './arm/state.ts';
import { graphReply, isGraphPath } from './graph/service.ts';
import { startSimServer } from './http-server.ts';
import { Login } from './login.ts';
import type { SimMiddleware } from './sim-request.ts';
import { Tenant } from './tenant.ts';
import { type TenantAdmin, tenantAdmin } from './tenant-admin.ts';
import { type ClaimsHook, UserSignIn } from './user-sign-in.ts';

export type { SimMiddleware, SimReply, SimRequest } from './sim-request.ts';
export type { TenantAdmin } from './tenant-admin.ts';
export type { ClaimsHook, IdClaims } from './user-sign-in.ts';

export interface EntraSimOptions {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly tokenLifetimeSeconds?: number;
  readonly now?: () => number;
  /** Serve HTTPS with this certificate (MSAL insists on an https authority); HTTP without. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Run around every request, first one outermost. */
  readonly middleware?: readonly SimMiddleware[];
  /** Rewrites each ID token's claims before signing (the tests' sign-in faults). */
  readonly idTokenClaims?: ClaimsHook;
  /**
   * Also serve the sign-in page over plain HTTP on 127.0.0.1 and name it in the OpenID
   * configuration: a person's browser does not trust the sandbox's own CA.
   */
  readonly plainSignInPage?: boolean;
  /**
   * Also serve Azure Resource Manager (Microsoft.Authorization PIM for Azure roles) on its own
   * origin, `armBaseUrl`, with the same TLS and middleware; tokens for it are asked for with
   * the scope `${armBaseUrl}/.default`.
   */
  readonly arm?: boolean;
}

export interface EntraSim {
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  /** The ARM origin when started with `arm: true`; null otherwise. */
  readonly armBaseUrl: string | null;
  readonly host: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tenant: TenantAdmin;
  close(): Promise<void>;
}

export async function startEntraSim(options: EntraSimOptions = {}): Promise<EntraSim> {
  const now = options.now ?? Date.now;
  const app = {
    tenantId: options.tenantId ?? randomUUID(),
    clientId: options.clientId ?? randomUUID(),
    clientSecret: options.clientSecret ?? randomBytes(18).toString('base64url'),
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
  };
  const t = new Tenant(now);
  const azure = new ArmState(t);
  const login = new Login(app, now, () => t.permissions);
  const people = new UserSignIn(
    app,
    now,
    () => t.users.values(),
    (user, scopes) => login.issueUserToken(user, scopes),
    options.idTokenClaims,
  );
  const middleware = options.middleware ?? [];
  let origin = '';
  let pageOrigin = '';
  const server = await startSimServer({
    tls: options.tls,
    middleware: () => middleware,
    graphAuth: (pathname, headers) => {
      if (!isGraphPath(pathname)) return null;
      const token = login.token(headers.authorization);
      return token !== undefined && token.expires > now();
    },
    handle: (req) =>
      people.handle(req, origin) ??
      login.handle(req, origin, pageOrigin || origin) ??
      graphReply(t, req, login.token(req.headers.authorization), now()),
  });
  origin = server.origin;
  const authorizePath = `/${app.tenantId}/oauth2/v2.0/authorize`;
  const page = options.plainSignInPage
    ? await startSimServer({
        middleware: () => [],
        graphAuth: () => null,
        handle: (req) =>
          req.pathname === authorizePath
            ? (people.handle(req, origin) ?? { status: 404, body: { error: 'not found' } })
            : { status: 404, body: { error: 'only the sign-in page is served here' } },
      })
    : null;
  pageOrigin = page?.origin ?? '';
  let armOrigin = '';
  const arm = options.arm
    ? await startSimServer({
        tls: options.tls,
        middleware: () => middleware,
        graphAuth: () => null,
        armAuth: (headers) => armAudience(login.token(headers.authorization), armOrigin, now()),
        handle: (req) =>
          armReply(azure, req, login.token(req.headers.authorization), armOrigin, now()),
      })
    : null;
  armOrigin = arm?.origin ?? '';
  return {
    authorityHost: origin,
    graphBaseUrl: origin,
    armBaseUrl: arm?.origin ?? null,
    host: 'localhost',
    tenantId: app.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    tenant: tenantAdmin(t, azure),
    close: async () => {
      await arm?.close();
      await page?.close();
      await server.close();
    },
  };
}
