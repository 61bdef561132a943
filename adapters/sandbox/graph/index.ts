/**
 * A simulated tenant: Entra (OpenID configuration, client-credentials token endpoint) and the
 * Microsoft Graph PIM subset on one port, for the real @azure/identity and Graph client. The
 * tests serve it over HTTPS with a throwaway CA; the sandbox serves it over plain HTTP on
 * 127.0.0.1 and signs in with a token it issued itself. Tokens are opaque and carry the
 * app's permissions at the time they were issued; faults (429, 503, a lost response after the
 * write) can be injected per path.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { graphError, throttled } from './errors.ts';
import { type GraphCall, route } from './routes.ts';
import {
  type Assignment,
  type StandInEligibility,
  type StandInGroup,
  type StandInPolicy,
  type StandInRole,
  type StandInUser,
  Tenant,
} from './tenant.ts';

export interface GraphStandInOptions {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly tokenLifetimeSeconds?: number;
  readonly now?: () => number;
  /** Serve HTTPS with this certificate (MSAL insists on an https authority); HTTP without. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly at: number;
}

type Fault = {
  kind: 'throttle' | 'unavailable' | 'after_commit';
  count: number;
  retryAfter?: number;
  prefix: string;
};

export interface GraphStandIn {
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  readonly host: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tenant: {
    addUser(u: StandInUser): void;
    addGroup(g: StandInGroup): void;
    addRoleDefinition(r: StandInRole): void;
    addEligibility(e: StandInEligibility): void;
    setPolicy(roleDefinitionId: string, p: StandInPolicy): void;
    addPermanentAssignment(a: {
      principalId: string;
      roleDefinitionId: string;
      directoryScopeId?: string;
    }): void;
    activeAssignments(): readonly Assignment[];
    requests(): readonly unknown[];
    grantPermissions(perms: string[]): void;
    revokePermission(perm: string): void;
  };
  readonly faults: {
    throttle(count: number, retryAfterSeconds: number, pathPrefix?: string): void;
    unavailable(count: number, retryAfterSeconds?: number, pathPrefix?: string): void;
    failAfterCommit(count: number, pathPrefix?: string): void;
  };
  readonly calls: readonly RecordedCall[];
  clearCalls(): void;
  close(): Promise<void>;
}

export async function startGraphStandIn(options: GraphStandInOptions = {}): Promise<GraphStandIn> {
  const now = options.now ?? Date.now;
  const tenantId = options.tenantId ?? randomUUID();
  const clientId = options.clientId ?? randomUUID();
  const clientSecret = options.clientSecret ?? randomBytes(18).toString('base64url');
  const t = new Tenant(now);
  const tokens = new Map<string, { permissions: Set<string>; expires: number }>();
  const calls: RecordedCall[] = [];
  let faults: Fault[] = [];
  let origin = '';

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    const done = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      calls.push({
        method: req.method ?? 'GET',
        path: `${path}${url.search}`,
        body: parseMaybe(raw),
        status,
        at: now(),
      });
      send(res, status, body, headers);
    };
    if (path === `/${tenantId}/v2.0/.well-known/openid-configuration`)
      return done(200, openIdConfig(origin, tenantId));
    if (path === `/${tenantId}/oauth2/v2.0/token` && req.method === 'POST')
      return done(...tokenReply(new URLSearchParams(raw.toString('utf8'))));
    if (/^\/[^/]+\/(v2\.0\/\.well-known|oauth2)/.test(path)) {
      return done(400, {
        error: 'invalid_request',
        error_description: `AADSTS90002: Tenant '${path.split('/')[1]}' not found.`,
        error_codes: [90002],
      });
    }
    if (!path.startsWith('/v1.0/'))
      return done(404, graphError(404, 'UnknownError', 'Not found').body);
    const auth = req.headers.authorization ?? '';
    const token = tokens.get(auth.replace(/^Bearer /, ''));
    const cid =
      typeof req.headers['client-request-id'] === 'string'
        ? req.headers['client-request-id']
        : undefined;
    if (!token || token.expires <= now()) {
      const e = graphError(
        401,
        'InvalidAuthenticationToken',
        token ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.',
        cid,
      );
      return done(e.status, e.body);
    }
    const graphPath = path.slice('/v1.0'.length);
    const fault = faults.find((f) => f.count > 0 && graphPath.startsWith(f.prefix));
    if (fault && fault.kind !== 'after_commit') {
      fault.count -= 1;
      const reply =
        fault.kind === 'throttle'
          ? throttled(fault.retryAfter ?? 1)
          : graphError(
              503,
              'serviceNotAvailable',
              'Service is unavailable.',
              cid,
              fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {},
            );
      return done(reply.status, reply.body, reply.headers);
    }
    const call: GraphCall = {
      method: req.method ?? 'GET',
      path: graphPath,
      query: url.searchParams,
      body: (parseMaybe(raw) as Record<string, unknown> | null) ?? null,
      permissions: token.permissions,
      ...(cid ? { clientRequestId: cid } : {}),
    };
    const reply = route(t, call);
    if (fault && fault.kind === 'after_commit') {
      fault.count -= 1;
      const lost = graphError(503, 'serviceNotAvailable', 'Service is unavailable.', cid);
      return done(lost.status, lost.body);
    }
    return done(reply.status, reply.body, reply.headers);
  }

  function tokenReply(form: URLSearchParams): [number, unknown] {
    if (form.get('grant_type') !== 'client_credentials')
      return [400, { error: 'unsupported_grant_type' }];
    if (form.get('client_id') !== clientId) {
      return [
        400,
        {
          error: 'unauthorized_client',
          error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`,
          error_codes: [700016],
        },
      ];
    }
    // Certificate credentials send a signed client assertion; its signature is not checked here.
    const assertion = form.get('client_assertion');
    if (form.get('client_secret') !== clientSecret && !assertion) {
      return [
        401,
        {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
          error_codes: [7000215],
        },
      ];
    }
    const access = randomBytes(24).toString('base64url');
    const lifetime = options.tokenLifetimeSeconds ?? 3599;
    tokens.set(access, { permissions: new Set(t.permissions), expires: now() + lifetime * 1000 });
    return [
      200,
      {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: access,
      },
    ];
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `${options.tls ? 'https' : 'http'}://localhost:${port}`;
  const addFault = (kind: Fault['kind'], count: number, prefix = '', retryAfter?: number) => {
    faults = [
      ...faults.filter((f) => f.count > 0),
      { kind, count, prefix, ...(retryAfter === undefined ? {} : { retryAfter }) },
    ];
  };

  return {
    authorityHost: origin,
    graphBaseUrl: origin,
    host: 'localhost',
    tenantId,
    clientId,
    clientSecret,
    tenant: {
      addUser: (u) => void t.users.set(u.id, u),
      addGroup: (g) => void t.groups.set(g.id, g),
      addRoleDefinition: (r) => void t.roles.set(r.id, r),
      addEligibility: (e) => void t.eligibilities.push(e),
      setPolicy: (roleId, p) => void t.policies.set(roleId, p),
      addPermanentAssignment: (a) =>
        void t.assignments.push({
          id: randomUUID(),
          principalId: a.principalId,
          roleDefinitionId: a.roleDefinitionId,
          directoryScopeId: a.directoryScopeId ?? '/',
          startDateTime: new Date(0).toISOString(),
          endDateTime: null,
          justification: null,
          viaSchedule: false,
        }),
      activeAssignments: () => t.live(),
      requests: () => t.requestLog,
      grantPermissions: (perms) => {
        t.permissions = new Set(perms);
      },
      revokePermission: (perm) => void t.permissions.delete(perm),
    },
    faults: {
      throttle: (count, retryAfter, prefix) => addFault('throttle', count, prefix, retryAfter),
      unavailable: (count, retryAfter, prefix) =>
        addFault('unavailable', count, prefix, retryAfter),
      failAfterCommit: (count, prefix) => addFault('after_commit', count, prefix),
    },
    get calls() {
      return calls;
    },
    clearCalls: () => {
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function openIdConfig(origin: string, tenant: string) {
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
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    msgraph_host: 'graph.microsoft.com',
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseMaybe(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}
