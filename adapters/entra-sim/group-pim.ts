/**
 * PIM for Groups in the simulated tenant: who may activate membership or ownership of which
 * group, PIM's settings per group and access, and the assignments (activated or standing).
 */
import type { StandInPolicy } from './pim-policy.ts';

export type GroupAccess = 'member' | 'owner';

export interface StandInGroupEligibility {
  principalId: string;
  groupId: string;
  accessId: GroupAccess;
  endDateTime?: string | null;
}

export interface GroupAssignment {
  id: string;
  principalId: string;
  groupId: string;
  accessId: GroupAccess;
  startDateTime: string;
  endDateTime: string | null;
  justification: string | null;
  /** Made by a schedule request (false: added to the group outside PIM). */
  viaSchedule: boolean;
}

export const policyKey = (groupId: string, access: string): string => `${groupId}:${access}`;

export class GroupPim {
  readonly eligibilities: StandInGroupEligibility[] = [];
  /** By `policyKey(groupId, access)`. */
  readonly policies = new Map<string, StandInPolicy>();
  assignments: GroupAssignment[] = [];
  readonly requestLog: Record<string, unknown>[] = [];
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  live(): GroupAssignment[] {
    const now = this.#now();
    return this.assignments.filter(
      (a) =>
        Date.parse(a.startDateTime) <= now &&
        (a.endDateTime === null || Date.parse(a.endDateTime) > now),
    );
  }

  liveEligibilities(): StandInGroupEligibility[] {
    const now = this.#now();
    return this.eligibilities.filter((e) => !e.endDateTime || Date.parse(e.endDateTime) > now);
  }

  /** Who is a member of `groupId` through PIM right now (activated or standing). */
  liveMembers(groupId: string): string[] {
    return this.live()
      .filter((a) => a.groupId === groupId && a.accessId === 'member')
      .map((a) => a.principalId);
  }
}
