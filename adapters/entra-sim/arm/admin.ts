/** Setting up the Azure side of the simulated tenant, as an admin would in the portal. */
import { randomUUID } from 'node:crypto';
import type { StandInPolicy } from '../tenant.ts';
import { reviewHeld } from './approvals.ts';
import type { ArmAssignment, ArmState, ArmSubscription } from './state.ts';

export interface ArmAdmin {
  addSubscription(s: ArmSubscription): void;
  addRole(guid: string, name: string): void;
  addEligibility(e: {
    principalId: string;
    roleGuid: string;
    scope: string;
    end?: number | null;
  }): void;
  setPolicy(roleGuid: string, p: StandInPolicy): void;
  /** An active assignment made outside PIM, with no end. */
  addStanding(a: { principalId: string; roleGuid: string; scope: string }): void;
  activeAssignments(now?: number): readonly ArmAssignment[];
  /**
   * Every assignment as if it had started `ms` earlier (ends unchanged): past ARM's 5 minutes
   * before removal, without waiting them out.
   */
  backdate(ms: number): void;
  /** Every roleAssignmentScheduleRequest made, as ARM answers them. */
  requests(): readonly Record<string, unknown>[];
  /** PIM's approval decided by approver `by` in the Azure portal, not through the bot. */
  reviewApproval(approvalId: string, by: string, result: 'Approve' | 'Deny'): void;
}

export function armAdmin(arm: ArmState, now: () => number): ArmAdmin {
  return {
    addSubscription: (s) => void arm.subscriptions.set(s.id.toLowerCase(), s),
    addRole: (guid, name) => void arm.roles.set(guid.toLowerCase(), name),
    addEligibility: (e) =>
      void arm.eligibilities.push({
        id: randomUUID(),
        principalId: e.principalId,
        roleGuid: e.roleGuid.toLowerCase(),
        scope: e.scope,
        start: 0,
        end: e.end ?? null,
      }),
    setPolicy: (guid, p) => void arm.policies.set(guid.toLowerCase(), p),
    addStanding: (a) =>
      void arm.assignments.push({
        id: randomUUID(),
        scheduleId: randomUUID(),
        principalId: a.principalId,
        roleGuid: a.roleGuid.toLowerCase(),
        scope: a.scope,
        start: 0,
        end: null,
        assignmentType: 'Assigned',
      }),
    activeAssignments: (at = now()) => arm.live(at),
    backdate: (ms) => {
      arm.assignments = arm.assignments.map((a) => ({ ...a, start: a.start - ms }));
    },
    requests: () => [...arm.requests.values()].map((r) => r.entity),
    reviewApproval: (approvalId, by, result) => reviewHeld(arm, approvalId, by, result),
  };
}
