/** A PIM for Groups group in the Graph stand-in, and the targets and grants for it. */
import type { Target } from '../../../bot/core/domain/target.ts';
import type { GrantRequest } from '../../../bot/core/ports/privilege-provider.ts';
import { ALICE, type Env, GROUP, grant } from './graph-fixture.ts';

export const PIM_GROUPS = '/identityGovernance/privilegedAccess/group';
export const GROUP_REQUESTS = `${PIM_GROUPS}/assignmentScheduleRequests`;

export const member: Target = {
  kind: 'group',
  id: GROUP,
  name: 'Payments Oncall',
  scope: '/',
  access: 'member',
};
export const owner: Target = { ...member, access: 'owner' };

export const groupGrant = (over: Partial<GrantRequest> = {}): GrantRequest =>
  grant({ target: member, ...over });

/** Payments Oncall, Alice eligible for its membership and ownership. */
export function addPaymentsGroup(env: Env): void {
  const t = env.graph.tenant;
  t.addGroup({ id: GROUP, displayName: 'Payments Oncall', members: [] });
  t.addGroupEligibility({ principalId: ALICE, groupId: GROUP, accessId: 'member' });
  t.addGroupEligibility({ principalId: ALICE, groupId: GROUP, accessId: 'owner' });
}
