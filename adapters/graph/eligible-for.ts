/**
 * Who is eligible for a directory role (`/elevate whocan`): every current eligibility
 * instance of the role, `GET roleEligibilityScheduleInstances?$filter=roleDefinitionId eq '…'`.
 * An eligibility held by a group is listed as the group: its members are not expanded here.
 */
import type { Target } from '../../bot/core/domain/target.ts';
import type { EligiblePrincipal } from '../../bot/core/ports/privilege-provider.ts';
import { current, endOf, ROLE_MANAGEMENT, type ScheduleInstance } from './graph-types.ts';
import { type GraphReader, literal } from './reader.ts';

export async function eligibleForRole(
  reader: GraphReader,
  target: Target,
  now: number,
): Promise<EligiblePrincipal[]> {
  if (target.kind !== 'directory_role') return [];
  const instances = await reader.list<ScheduleInstance>(
    `${ROLE_MANAGEMENT}/roleEligibilityScheduleInstances`,
    'eligibility',
    { filter: `roleDefinitionId eq ${literal(target.id)}` },
  );
  return instances
    .filter((i) => current(i, now))
    .map((i) => ({
      principalId: i.principalId,
      type: i.memberType === 'Group' ? ('group' as const) : ('user' as const),
      scope: i.directoryScopeId || '/',
      endsAt: endOf(i),
    }));
}
