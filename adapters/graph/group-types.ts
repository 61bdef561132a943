/**
 * The parts of Graph's PIM for Groups entities the adapter reads
 * (contracts/graph-pim-openapi-subset.yaml: privilegedAccessGroupEligibilityScheduleInstance,
 * privilegedAccessGroupAssignmentScheduleInstance, privilegedAccessGroupAssignmentScheduleRequest),
 * and the core's Target for one.
 */
import type { GroupAccess, Target } from '../../bot/core/domain/target.ts';

export const PIM_GROUPS = '/identityGovernance/privilegedAccess/group';

export interface GroupInstance {
  readonly id?: string;
  readonly principalId: string;
  readonly groupId: string;
  /** `member` or `owner`. */
  readonly accessId: string;
  readonly startDateTime: string | null;
  readonly endDateTime: string | null;
  /** `direct` or `group`. */
  readonly memberType?: string | null;
  /** Assignment instances: `assigned` (by an admin, or outside PIM) or `activated`. */
  readonly assignmentType?: string | null;
  /** Assignment instances: the schedule a request made (its `targetScheduleId`). */
  readonly assignmentScheduleId?: string | null;
  /** Present with `$expand=group`. */
  readonly group?: { readonly displayName?: string | null } | null;
}

export interface GroupRequest {
  readonly action: string;
  readonly status?: string;
  readonly principalId: string;
  readonly groupId: string;
  readonly accessId: string;
  readonly justification: string | null;
  readonly targetScheduleId?: string | null;
  readonly scheduleInfo?: {
    readonly startDateTime?: string | null;
    readonly expiration?: { readonly duration?: string | null } | null;
  } | null;
}

/** Graph writes `member`/`owner`; anything else is read as membership, PIM's default. */
export const accessOf = (accessId: string): GroupAccess =>
  accessId.toLowerCase() === 'owner' ? 'owner' : 'member';

/** The target an instance is for, named from the expanded group (its id when absent). */
export const groupTargetOf = (i: GroupInstance): Target => ({
  kind: 'group',
  id: i.groupId,
  name: i.group?.displayName ?? i.groupId,
  scope: '/',
  access: accessOf(i.accessId),
});

/** Whether an instance is for `target`: the same group and access. */
export const isFor = (i: GroupInstance | GroupRequest, target: Target): boolean =>
  i.groupId.toLowerCase() === target.id.toLowerCase() &&
  accessOf(i.accessId) === (target.access ?? 'member');

/** Standing membership or ownership (no end, not activated) never came from the bot. */
export const isStandingGroup = (i: GroupInstance): boolean =>
  i.endDateTime === null && i.assignmentType?.toLowerCase() !== 'activated';
