/**
 * The Azure side of the simulated tenant: subscriptions with their resource groups, role
 * definitions by GUID, PIM eligibility and settings per role, active assignments and every
 * roleAssignmentScheduleRequest and roleEligibilityScheduleRequest made (by scope and name, so
 * a PUT repeated is the same request).
 */
import type { StandInPolicy, Tenant } from '../tenant.ts';

export interface ArmSubscription {
  readonly id: string;
  readonly name: string;
  readonly resourceGroups: readonly string[];
}

export interface ArmEligibility {
  readonly id: string;
  /** A user, or a group whose members are eligible through it. */
  readonly principalId: string;
  readonly roleGuid: string;
  readonly scope: string;
  readonly start: number;
  readonly end: number | null;
}

export interface ArmAssignment {
  /** The instance name. */
  readonly id: string;
  /** The schedule a request created (a standing assignment has its own). */
  readonly scheduleId: string;
  readonly principalId: string;
  readonly roleGuid: string;
  readonly scope: string;
  readonly start: number;
  end: number | null;
  /** Activated: SelfActivate; Assigned: AdminAssign or a standing assignment. */
  readonly assignmentType: 'Activated' | 'Assigned';
}

export interface ArmRequestRecord {
  readonly scope: string;
  readonly name: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly requestType: string;
  /** What ARM answers for it, on the PUT and on a GET. */
  readonly entity: Record<string, unknown>;
}

export class ArmState {
  /** The directory the principals live in (users, groups, nested membership) and its clock. */
  readonly tenant: Tenant;
  readonly subscriptions = new Map<string, ArmSubscription>();
  /** Role definition GUID (lower case) to display name. */
  readonly roles = new Map<string, string>();
  readonly eligibilities: ArmEligibility[] = [];
  /** PIM settings by role definition GUID (lower case). */
  readonly policies = new Map<string, StandInPolicy>();
  assignments: ArmAssignment[] = [];
  /** By `scope|name`, lower case. */
  readonly requests = new Map<string, ArmRequestRecord>();
  /** roleEligibilityScheduleRequests, by `scope|name`, lower case. */
  readonly eligibilityRequests = new Map<string, ArmRequestRecord>();

  constructor(tenant: Tenant) {
    this.tenant = tenant;
  }

  subscription(id: string): ArmSubscription | undefined {
    return this.subscriptions.get(id.toLowerCase());
  }

  live(now: number): ArmAssignment[] {
    return this.assignments.filter((a) => a.start <= now && (a.end === null || a.end > now));
  }

  liveEligibilities(now: number): ArmEligibility[] {
    return this.eligibilities.filter((e) => e.start <= now && (e.end === null || e.end > now));
  }
}

export const requestKey = (scope: string, name: string): string =>
  `${scope.toLowerCase()}|${name.toLowerCase()}`;
