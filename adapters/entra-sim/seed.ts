/** Builds a world (world.ts) into the simulated tenant. */
import type { TenantAdmin } from './tenant-admin.ts';
import type { WorldSpec } from './world.ts';

export function seedWorld(tenant: TenantAdmin, world: WorldSpec): void {
  for (const u of world.users) {
    tenant.addUser({
      id: u.id,
      displayName: u.name,
      userPrincipalName: u.upn,
      mail: u.mail ?? u.upn,
      ...(u.enabled === false ? { accountEnabled: false } : {}),
      ...(u.lastSignIn === undefined
        ? {}
        : {
            lastSignInDateTime: u.lastSignIn === null ? null : new Date(u.lastSignIn).toISOString(),
          }),
    });
  }
  for (const g of world.groups ?? [])
    tenant.addGroup({ id: g.id, displayName: g.name, members: [...g.members] });
  for (const r of world.roles)
    tenant.addRoleDefinition({
      id: r.id,
      displayName: r.name,
      ...(r.enabled === false ? { isEnabled: false } : {}),
    });
  for (const e of world.eligible ?? []) {
    tenant.addEligibility({
      principalId: e.principalId,
      roleDefinitionId: e.roleId,
      ...(e.scope ? { directoryScopeId: e.scope } : {}),
      ...(e.endsAt == null ? {} : { endDateTime: new Date(e.endsAt).toISOString() }),
    });
  }
  for (const [roleId, policy] of Object.entries(world.pim ?? {})) tenant.setPolicy(roleId, policy);
  for (const a of world.standing ?? [])
    tenant.addPermanentAssignment({ principalId: a.principalId, roleDefinitionId: a.roleId });
}
