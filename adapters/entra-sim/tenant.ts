/** The simulated directory behind the Graph stand-in: users, groups, roles, PIM state. */
import { GroupPim } from './group-pim.ts';
import type { StandInPolicy } from './pim-policy.ts';

export type { StandInPolicy } from './pim-policy.ts';

export interface StandInUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
  accountEnabled?: boolean;
  lastSignInDateTime?: string | null;
}
export interface StandInGroup {
  id: string;
  displayName: string;
  members: string[];
  isAssignableToRole?: boolean;
}
export interface StandInRole {
  id: string;
  displayName: string;
  isBuiltIn?: boolean;
  isEnabled?: boolean;
}
export interface StandInEligibility {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string;
  endDateTime?: string | null;
}
export interface Assignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  startDateTime: string;
  endDateTime: string | null;
  justification: string | null;
  viaSchedule: boolean;
}

export const ALL_PERMISSIONS = [
  'RoleManagement.ReadWrite.Directory',
  'RoleManagementPolicy.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'User.Read.All',
  'GroupMember.Read.All',
  'AuditLog.Read.All',
  'Directory.Read.All',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
];

/**
 * What eligibility reviews add to ALL_PERMISSIONS, to end PIM for Groups eligibility (for
 * directory roles RoleManagement.ReadWrite.Directory already allows it). Not granted unless
 * asked for, as a deployment without `reviews:` does not hold it.
 */
export const REVIEW_PERMISSIONS = ['PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup'];

export class Tenant {
  readonly users = new Map<string, StandInUser>();
  readonly groups = new Map<string, StandInGroup>();
  readonly roles = new Map<string, StandInRole>();
  readonly eligibilities: StandInEligibility[] = [];
  readonly policies = new Map<string, StandInPolicy>();
  assignments: Assignment[] = [];
  readonly requestLog: Record<string, unknown>[] = [];
  permissions = new Set(ALL_PERMISSIONS);
  readonly now: () => number;
  /** PIM for Groups: eligibility, settings and assignments of membership and ownership. */
  readonly pimGroups: GroupPim;

  constructor(now: () => number) {
    this.now = now;
    this.pimGroups = new GroupPim(now);
  }

  /** A group's members now: its own list and whoever holds membership through PIM. */
  membersOf(groupId: string): string[] {
    const listed = this.groups.get(groupId)?.members ?? [];
    return [...new Set([...listed, ...this.pimGroups.liveMembers(groupId)])];
  }

  /** Groups a principal belongs to, nested groups included. */
  groupsOf(principalId: string): Set<string> {
    const found = new Set<string>();
    let changed = true;
    while (changed) {
      changed = false;
      for (const g of this.groups.values()) {
        if (found.has(g.id)) continue;
        if (this.membersOf(g.id).some((m) => m === principalId || found.has(m))) {
          found.add(g.id);
          changed = true;
        }
      }
    }
    return found;
  }

  live(): Assignment[] {
    const now = this.now();
    return this.assignments.filter(
      (a) =>
        Date.parse(a.startDateTime) <= now &&
        (a.endDateTime === null || Date.parse(a.endDateTime) > now),
    );
  }

  liveEligibilities(): StandInEligibility[] {
    const now = this.now();
    return this.eligibilities.filter((e) => !e.endDateTime || Date.parse(e.endDateTime) > now);
  }
}
