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
  seedPimGroups(tenant, world);
  seedAzure(tenant, world);
}

/** PIM for Groups: the group (unless `groups` lists it), eligibility, settings, standing members. */
function seedPimGroups(tenant: TenantAdmin, world: WorldSpec): void {
  for (const g of world.pimGroups ?? []) {
    if (!world.groups?.some((listed) => listed.id === g.id))
      tenant.addGroup({ id: g.id, displayName: g.name, members: [] });
    for (const e of g.eligible)
      tenant.addGroupEligibility({
        principalId: e.principalId,
        groupId: g.id,
        accessId: e.access ?? 'member',
        ...(e.endsAt == null ? {} : { endDateTime: new Date(e.endsAt).toISOString() }),
      });
    for (const access of ['member', 'owner'] as const) {
      const policy = g.pim?.[access];
      if (policy) tenant.setGroupPolicy(g.id, access, policy);
    }
    for (const m of g.standingMembers ?? []) tenant.addStandingGroupMember(g.id, m);
  }
}

/** Subscriptions, Azure roles, eligibility at their ARM scopes and PIM's settings per role. */
function seedAzure(tenant: TenantAdmin, world: WorldSpec): void {
  const azure = world.azure;
  if (!azure) return;
  for (const s of azure.subscriptions) tenant.azure.addSubscription(s);
  for (const r of azure.roles) tenant.azure.addRole(r.id, r.name);
  for (const e of azure.eligible)
    tenant.azure.addEligibility({
      principalId: e.principalId,
      roleGuid: e.roleId,
      scope: e.scope,
      end: e.endsAt ?? null,
    });
  for (const [roleId, policy] of Object.entries(azure.pim ?? {}))
    tenant.azure.setPolicy(roleId, policy);
}
