/** Setting up and reading the simulated tenant from outside, as an admin would in the portal. */
import { randomUUID } from 'node:crypto';
import { type ArmAdmin, armAdmin } from './arm/admin.ts';
import type { ArmState } from './arm/state.ts';
import {
  type GroupAccess,
  type GroupAssignment,
  policyKey,
  type StandInGroupEligibility,
} from './group-pim.ts';
import type {
  Assignment,
  StandInEligibility,
  StandInGroup,
  StandInPolicy,
  StandInRole,
  StandInUser,
  Tenant,
} from './tenant.ts';

export interface TenantAdmin {
  addUser(u: StandInUser): void;
  /** Edits a user as the portal does: disable the account, change its mail. */
  updateUser(id: string, changes: Partial<Omit<StandInUser, 'id'>>): void;
  addGroup(g: StandInGroup): void;
  addRoleDefinition(r: StandInRole): void;
  addEligibility(e: StandInEligibility): void;
  /** Removes every eligibility the principal holds for the role, as an admin does in PIM. */
  removeEligibility(principalId: string, roleDefinitionId: string): void;
  /** The directory role eligibilities holding now, as PIM lists them. */
  eligibilities(): readonly StandInEligibility[];
  setPolicy(roleDefinitionId: string, p: StandInPolicy): void;
  addPermanentAssignment(a: {
    principalId: string;
    roleDefinitionId: string;
    directoryScopeId?: string;
  }): void;
  activeAssignments(): readonly Assignment[];
  /** Every roleAssignmentScheduleRequest made, as Graph lists them. */
  requests(): readonly unknown[];
  /** PIM for Groups: `principalId` may activate membership or ownership of the group. */
  addGroupEligibility(e: StandInGroupEligibility): void;
  removeGroupEligibility(principalId: string, groupId: string, access: GroupAccess): void;
  setGroupPolicy(groupId: string, access: GroupAccess, p: StandInPolicy): void;
  /** A member added to the group outside PIM: a member, and an assignment with no end. */
  addStandingGroupMember(groupId: string, principalId: string): void;
  activeGroupAssignments(): readonly GroupAssignment[];
  /** Every PIM for Groups assignmentScheduleRequest made, as Graph lists them. */
  groupRequests(): readonly unknown[];
  /** The application permissions consented for the app (tokens issued from now on). */
  grantPermissions(perms: string[]): void;
  revokePermission(perm: string): void;
  /** Subscriptions, Azure roles, their eligibility and PIM settings. */
  readonly azure: ArmAdmin;
}

export function tenantAdmin(t: Tenant, arm: ArmState): TenantAdmin {
  return {
    addUser: (u) => void t.users.set(u.id, u),
    updateUser: (id, changes) => {
      const user = t.users.get(id);
      if (!user) throw new Error(`no user ${id} in the simulated tenant`);
      t.users.set(id, { ...user, ...changes });
    },
    addGroup: (g) => void t.groups.set(g.id, g),
    addRoleDefinition: (r) => void t.roles.set(r.id, r),
    addEligibility: (e) => void t.eligibilities.push(e),
    removeEligibility: (principalId, roleDefinitionId) => {
      const kept = t.eligibilities.filter(
        (e) => e.principalId !== principalId || e.roleDefinitionId !== roleDefinitionId,
      );
      t.eligibilities.splice(0, t.eligibilities.length, ...kept);
    },
    eligibilities: () => t.liveEligibilities(),
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
    addGroupEligibility: (e) => void t.pimGroups.eligibilities.push(e),
    removeGroupEligibility: (principalId, groupId, access) => {
      const all = t.pimGroups.eligibilities;
      const kept = all.filter(
        (e) => e.principalId !== principalId || e.groupId !== groupId || e.accessId !== access,
      );
      all.splice(0, all.length, ...kept);
    },
    setGroupPolicy: (groupId, access, p) =>
      void t.pimGroups.policies.set(policyKey(groupId, access), p),
    addStandingGroupMember: (groupId, principalId) => {
      const group = t.groups.get(groupId);
      if (!group) throw new Error(`no group ${groupId} in the simulated tenant`);
      if (!group.members.includes(principalId)) group.members.push(principalId);
      t.pimGroups.assignments.push({
        id: randomUUID(),
        principalId,
        groupId,
        accessId: 'member',
        startDateTime: new Date(0).toISOString(),
        endDateTime: null,
        justification: null,
        viaSchedule: false,
      });
    },
    activeGroupAssignments: () => t.pimGroups.live(),
    groupRequests: () => t.pimGroups.requestLog,
    requests: () => t.requestLog,
    grantPermissions: (perms) => {
      t.permissions = new Set(perms);
    },
    revokePermission: (perm) => void t.permissions.delete(perm),
    azure: armAdmin(arm, t.now),
  };
}
