/**
 * The parts of Graph's PIM entities the adapter reads (contracts/graph-pim-openapi-subset.yaml:
 * unifiedRoleEligibilityScheduleInstance, unifiedRoleAssignmentScheduleInstance,
 * unifiedRoleAssignmentScheduleRequest, unifiedRoleDefinition).
 */
export interface ScheduleInstance {
  readonly id?: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly startDateTime: string | null;
  readonly endDateTime: string | null;
  /** `Direct`, `Group` or `Inherited`. */
  readonly memberType?: string | null;
  /** Assignment instances: `Assigned` (by an admin) or `Activated` (from an eligibility). */
  readonly assignmentType?: string | null;
  /** Assignment instances: the schedule a request made (its `targetScheduleId`). */
  readonly roleAssignmentScheduleId?: string | null;
  /** Present with `$expand=principal`: tells a group from a user. */
  readonly principal?: { readonly '@odata.type'?: string } | null;
}

export interface ScheduleRequest {
  readonly id?: string;
  readonly action: string;
  readonly status?: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly justification: string | null;
  readonly targetScheduleId?: string | null;
  /** Set while PIM holds a self-activation for its approvers (status PendingApproval). */
  readonly approvalId?: string | null;
  readonly scheduleInfo?: {
    readonly startDateTime?: string | null;
    readonly expiration?: { readonly duration?: string | null } | null;
  } | null;
}

export interface RoleDefinition {
  readonly id: string;
  readonly displayName: string;
  readonly isEnabled?: boolean | null;
}

export const ROLE_MANAGEMENT = '/roleManagement/directory';

/** The two dates every PIM schedule instance has, directory roles and groups alike. */
export type Dated = Pick<ScheduleInstance, 'startDateTime' | 'endDateTime'>;

/** Whether an instance holds at `now`: started and not yet ended. */
export function current(i: Dated, now: number): boolean {
  const start = i.startDateTime ? Date.parse(i.startDateTime) : Number.NEGATIVE_INFINITY;
  const end = i.endDateTime ? Date.parse(i.endDateTime) : Number.POSITIVE_INFINITY;
  return start <= now && end > now;
}

export const endOf = (i: Dated): number | null =>
  i.endDateTime ? Date.parse(i.endDateTime) : null;
