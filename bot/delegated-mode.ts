/**
 * Delegated mode at start-up (README, "Delegated mode"): whether policy.yaml uses it, the
 * self-service adapters it needs (Graph, and ARM when Azure roles are configured), and a
 * warning when the app registration still holds the write permissions (directory roles, PIM
 * for Groups) that delegated mode makes unnecessary, so the bot's identity stays Tier-0 for no reason. The
 * app's permissions are read from the `roles` claim of its own Graph access token; the token
 * is decoded for that claim only and dropped.
 */
import type { TokenCredential } from '@azure/identity';
import type { ArmClient } from '../adapters/arm/client.ts';
import type { GraphReader } from '../adapters/graph/reader.ts';
import type { Policy } from './core/domain/policy.ts';
import type { DelegatedPrivileges } from './core/ports/delegated-privileges.ts';
import type { Logger } from './core/ports/logger.ts';

/** Write permissions for directory roles, which a bot whose roles are all delegated never uses. */
export const DIRECTORY_WRITE_PERMISSIONS = [
  'RoleManagement.ReadWrite.Directory',
  'RoleAssignmentSchedule.ReadWrite.Directory',
];

/** Write permissions for PIM for Groups, which a bot whose groups are all delegated never uses. */
export const GROUP_WRITE_PERMISSIONS = [
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'PrivilegedAccess.ReadWrite.AzureADGroup',
];

export const usesDelegatedMode = (policy: Policy): boolean =>
  policy.defaults.mode === 'delegated' ||
  [
    ...policy.roles.values(),
    ...(policy.groups?.values() ?? []),
    ...(policy.azureRoles?.values() ?? []),
  ].some((r) => r.policy.mode === 'delegated');

/**
 * PIM's self-service calls with the requester's own tokens: Graph's for directory roles and
 * groups, and ARM's for Azure roles when the policy names `azure.scopes` (`arm`: the app's
 * ARM client, which reads for it), each target sent to the one for its kind.
 */
export async function createDelegated(
  graphBaseUrl: string | undefined,
  arm: ArmClient | null,
  log: Logger,
  graphReads?: GraphReader,
): Promise<DelegatedPrivileges> {
  const { GraphDelegated } = await import('../adapters/graph/delegated.ts');
  const graph = new GraphDelegated(graphBaseUrl, {}, log.child({ component: 'graph' }), graphReads);
  if (!arm) return graph;
  const { ArmDelegated } = await import('../adapters/arm/delegated.ts');
  const { DelegatedByKind } = await import('../adapters/delegated-kinds.ts');
  const azure = new ArmDelegated(arm, { log: log.child({ component: 'arm' }) });
  return new DelegatedByKind([graph, azure]);
}

/** Every directory role is delegated: the defaults (roles not listed) and each listed role. */
export const directoryRolesDelegated = (policy: Policy): boolean =>
  policy.defaults.mode === 'delegated' &&
  [...policy.roles.values()].every((r) => r.policy.mode === 'delegated');

/** Groups are served only when listed under `groups:`: every one listed is delegated. */
export const groupsDelegated = (policy: Policy): boolean =>
  (policy.groups?.size ?? 0) > 0 &&
  [...(policy.groups?.values() ?? [])].every((g) => g.policy.mode === 'delegated');

/** The application permissions in an Entra access token's `roles` claim; empty if unreadable. */
export function tokenRoles(token: string): string[] {
  try {
    const claims: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    const roles = (claims as { roles?: unknown }).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The write permissions the app holds that its policy never uses: those of directory roles
 * when every directory role is delegated, those of PIM for Groups when every listed group is.
 * Azure roles are granted through an Azure RBAC role of the app at the scopes, not through
 * these permissions, so a token cannot show it: the README says which role to take back when
 * every Azure role is delegated.
 */
export async function warnOfWritePermissions(
  credential: TokenCredential,
  graphBaseUrl: string | undefined,
  policy: Policy,
  log: Logger,
): Promise<string[]> {
  const unused = [
    ...(directoryRolesDelegated(policy) ? DIRECTORY_WRITE_PERMISSIONS : []),
    ...(groupsDelegated(policy) ? GROUP_WRITE_PERMISSIONS : []),
  ];
  if (unused.length === 0) return [];
  const origin = new URL(graphBaseUrl ?? 'https://graph.microsoft.com').origin;
  const token = await credential.getToken(`${origin}/.default`).catch(() => null);
  if (!token) return []; // The first Graph call reports a sign-in failure in its own words.
  const extra = tokenRoles(token.token).filter((r) => unused.includes(r));
  if (extra.length > 0)
    log.warn(
      { permissions: extra },
      `the roles and groups these permissions serve are all in delegated mode, yet the app registration still holds ${extra.join(' and ')}: the requester's own sign-in activates, so remove these application permissions and keep the app read-only (README, "Delegated mode")`,
    );
  return extra;
}
