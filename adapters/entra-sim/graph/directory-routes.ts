/** Graph's directory endpoints: users, transitive group checks, directory role members. */
import type { StandInUser, Tenant } from '../tenant.ts';
import { type GraphCall, list, needs, ok, READ_ROLES, type Reply } from './call.ts';
import { graphError } from './errors.ts';
import { type Filter, matches } from './odata.ts';

const userJson = (u: StandInUser, withSignIn: boolean) => ({
  id: u.id,
  displayName: u.displayName,
  userPrincipalName: u.userPrincipalName,
  mail: u.mail ?? null,
  accountEnabled: u.accountEnabled ?? true,
  ...(withSignIn ? { signInActivity: { lastSignInDateTime: u.lastSignInDateTime ?? null } } : {}),
});

/** The reply for a directory endpoint; null when the call is for another one. */
export function directoryRoute(t: Tenant, call: GraphCall, filter: Filter | null): Reply | null {
  const p = call.path;
  const cid = call.clientRequestId;
  if (call.method === 'GET' && p === '/users') {
    const denied = needs(call, ['User.Read.All', 'Directory.Read.All']);
    if (denied) return denied;
    return list(
      [...t.users.values()]
        .filter((u) =>
          matches(filter, { mail: u.mail ?? '', userPrincipalName: u.userPrincipalName }),
        )
        .map((u) => userJson(u, false)),
    );
  }
  let m = /^\/users\/([^/]+)$/.exec(p);
  if (call.method === 'GET' && m) {
    const wantsSignIn = (call.query.get('$select') ?? '').includes('signInActivity');
    const denied =
      needs(call, ['User.Read.All', 'Directory.Read.All']) ??
      (wantsSignIn ? needs(call, ['AuditLog.Read.All']) : null);
    if (denied) return denied;
    const key = decodeURIComponent(m[1] ?? '').toLowerCase();
    const user = [...t.users.values()].find(
      (u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key,
    );
    return user
      ? ok(userJson(user, wantsSignIn))
      : graphError(
          404,
          'Request_ResourceNotFound',
          `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
          cid,
        );
  }
  m = /^\/users\/([^/]+)\/checkMemberGroups$/.exec(p);
  if (call.method === 'POST' && m) {
    const denied = needs(call, ['GroupMember.Read.All', 'Directory.Read.All']);
    if (denied) return denied;
    const ids = call.body?.groupIds;
    if (!Array.isArray(ids) || ids.length > 20)
      return graphError(
        400,
        'Request_BadRequest',
        'groupIds must be an array of at most 20 ids.',
        cid,
      );
    if (!t.users.has(m[1] ?? ''))
      return graphError(404, 'Request_ResourceNotFound', 'Resource does not exist.', cid);
    const mine = t.groupsOf(m[1] ?? '');
    return list(ids.filter((id): id is string => typeof id === 'string' && mine.has(id)));
  }
  if (call.method === 'GET' && p === '/directoryRoles') {
    const denied = needs(call, READ_ROLES);
    if (denied) return denied;
    return list(
      [...t.roles.values()]
        .map((r) => ({ id: `dr-${r.id}`, roleTemplateId: r.id, displayName: r.displayName }))
        .filter((r) => matches(filter, r)),
    );
  }
  m = /^\/directoryRoles\/dr-([^/]+)\/members$/.exec(p);
  if (call.method === 'GET' && m) {
    const denied = needs(call, READ_ROLES);
    if (denied) return denied;
    const ids = new Set(
      t
        .live()
        .filter((a) => a.roleDefinitionId === m?.[1])
        .map((a) => a.principalId),
    );
    return list(
      [...ids].flatMap((id) => {
        const u = t.users.get(id);
        return u ? [{ '@odata.type': '#microsoft.graph.user', ...userJson(u, false) }] : [];
      }),
    );
  }
  return null;
}
