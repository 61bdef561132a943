/**
 * Builds a world (adapters/entra-sim/world.ts) into the in-memory directory and PIM, read the
 * way the Graph adapter reads the simulated tenant: eligibility held by a group counts for its
 * members (and whocan lists the group), roles without PIM settings have PIM's defaults (8 hours,
 * nothing else required).
 */

import { parseDuration } from '../../bot/core/domain/duration.ts';
import type { PimRules } from '../../bot/core/domain/policy.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import type { StandInPolicy } from '../entra-sim/tenant.ts';
import { azureRoleDefinitionId, azureScopeName, type WorldSpec } from '../entra-sim/world.ts';
import { MemoryDirectory } from './directory.ts';
import { MemoryPrivileges } from './privilege-provider.ts';

export interface MemoryWorld {
  readonly directory: MemoryDirectory;
  readonly privileges: MemoryPrivileges;
}

export function memoryWorld(world: WorldSpec, now: () => number): MemoryWorld {
  const directory = new MemoryDirectory(
    world.users.map((u) => ({
      id: u.id,
      displayName: u.name,
      email: u.mail ?? u.upn,
      upn: u.upn,
      ...(u.enabled === false ? { enabled: false } : {}),
      ...(u.lastSignIn === undefined ? {} : { lastSignIn: u.lastSignIn }),
    })),
    (world.groups ?? []).map((g) => ({ id: g.id, members: g.members })),
  );
  const roles = world.roles.map((r) => ({
    kind: 'directory_role' as const,
    id: r.id,
    name: r.name,
    aliases: [],
  }));
  const privileges = new MemoryPrivileges(roles, now);
  const target = (roleId: string, scope = '/'): Target => ({
    kind: 'directory_role',
    id: roleId,
    name: roles.find((r) => r.id === roleId)?.name ?? roleId,
    scope,
  });
  for (const e of world.eligible ?? [])
    makeEligible(world, privileges, e.principalId, target(e.roleId, e.scope), e.endsAt ?? null);
  for (const r of world.roles) privileges.setRules(target(r.id), pimRules(world.pim?.[r.id] ?? {}));
  for (const a of world.standing ?? []) privileges.addStanding(a.principalId, target(a.roleId));
  for (const g of world.groups ?? []) privileges.addGroup(g.id, g.name);
  seedGroups(world, privileges);
  seedAzure(world, privileges);
  return { directory, privileges };
}

/** PIM for Groups: membership or ownership, each with its own PIM settings. */
function seedGroups(world: WorldSpec, privileges: MemoryPrivileges): void {
  for (const g of world.pimGroups ?? []) {
    const group = (access: 'member' | 'owner'): Target => ({
      kind: 'group',
      id: g.id,
      name: g.name,
      scope: '/',
      access,
    });
    if (!world.groups?.some((listed) => listed.id === g.id)) privileges.addGroup(g.id, g.name);
    for (const e of g.eligible)
      makeEligible(world, privileges, e.principalId, group(e.access ?? 'member'), e.endsAt ?? null);
    for (const access of ['member', 'owner'] as const)
      privileges.setRules(group(access), pimRules(g.pim?.[access] ?? {}));
    for (const m of g.standingMembers ?? []) privileges.addStanding(m, group('member'));
  }
}

/** Azure roles at their scopes, named as ARM's expandedProperties name them. */
function seedAzure(world: WorldSpec, privileges: MemoryPrivileges): void {
  const azure = world.azure;
  if (!azure) return;
  for (const sub of azure.subscriptions) {
    privileges.addScope(`/subscriptions/${sub.id}`, sub.name);
    for (const rg of sub.resourceGroups)
      privileges.addScope(`/subscriptions/${sub.id}/resourceGroups/${rg}`, rg);
  }
  for (const e of azure.eligible) {
    const target: Target = {
      kind: 'azure_role',
      id: azureRoleDefinitionId(e.scope, e.roleId),
      name: azure.roles.find((r) => r.id === e.roleId)?.name ?? e.roleId,
      scope: e.scope,
      scopeName: azureScopeName(azure, e.scope),
    };
    makeEligible(world, privileges, e.principalId, target, e.endsAt ?? null);
    privileges.setRules(target, pimRules(azure.pim?.[e.roleId] ?? {}));
  }
  for (const r of azure.roles)
    privileges.addAzureRole(r.name, (scope) => azureRoleDefinitionId(scope, r.id));
}

/** The holder's eligibility, and a group's for each of its members, through the group. */
function makeEligible(
  world: WorldSpec,
  privileges: MemoryPrivileges,
  holder: string,
  target: Target,
  endsAt: number | null,
): void {
  privileges.makeEligible(holder, target, endsAt);
  const group = world.groups?.find((g) => g.id === holder);
  if (!group) return;
  for (const id of membersOf(world, holder))
    privileges.makeEligible(id, target, endsAt, { id: group.id, name: group.name });
}

/** Users in a group, through nested groups; none when `id` is not a group. */
function membersOf(world: WorldSpec, id: string, seen = new Set<string>()): string[] {
  const group = world.groups?.find((g) => g.id === id);
  if (!group || seen.has(id)) return [];
  seen.add(id);
  return group.members.flatMap((m) =>
    world.groups?.some((g) => g.id === m) ? membersOf(world, m, seen) : [m],
  );
}

function pimRules(p: StandInPolicy): PimRules {
  const max = parseDuration(p.maximumDuration ?? 'PT8H');
  return {
    ...(max ? { maxDuration: max } : {}),
    justificationRequired: p.justification === true,
    ticketRequired: p.ticketing === true,
    approvalRequired: p.approval === true,
    mfaRequired: p.mfa === true,
  };
}
