/**
 * The tenant as a whole for the security scan: every eligibility and every assignment holding
 * now (one paged read each), and users' last sign-in (signInActivity, which needs
 * AuditLog.Read.All). Sign-ins are read one user at a time by object id, a few at once: a
 * group's id is simply not found, and Graph returns signInActivity for a single user only when
 * addressed by id, not by UPN.
 */
import type { RoleEntry } from '../../bot/core/domain/target.ts';
import type { ActiveAssignment } from '../../bot/core/ports/privilege-provider.ts';
import type { EligibleHolder, TenantOverview } from '../../bot/core/ports/tenant-overview.ts';
import { current, ROLE_MANAGEMENT, type ScheduleInstance } from './graph-types.ts';
import { groupAssignmentOf, liveGroupInstances } from './group-reads.ts';
import { type GraphReader, literal, segment } from './reader.ts';
import { assignmentOf, targetOf } from './role-holders.ts';

const SIGN_IN_READS_AT_ONCE = 8;

interface UserSignIn {
  readonly id: string;
  readonly signInActivity?: { readonly lastSignInDateTime?: string | null } | null;
}

export class GraphOverview implements TenantOverview {
  readonly #reader: GraphReader;
  readonly #roles: () => Promise<readonly RoleEntry[]>;
  readonly #now: () => number;

  constructor(reader: GraphReader, roles: () => Promise<readonly RoleEntry[]>, now = Date.now) {
    this.#reader = reader;
    this.#roles = roles;
    this.#now = now;
  }

  async eligible(): Promise<readonly EligibleHolder[]> {
    const [instances, roles] = await Promise.all([
      this.#reader.list<ScheduleInstance>(
        `${ROLE_MANAGEMENT}/roleEligibilityScheduleInstances`,
        'eligibility',
      ),
      this.#roles(),
    ]);
    const now = this.#now();
    return instances
      .filter((i) => current(i, now))
      .map((i) => ({ principalId: i.principalId, target: targetOf(i, roles) }));
  }

  async active(): Promise<readonly ActiveAssignment[]> {
    const [instances, roles] = await Promise.all([
      this.#reader.list<ScheduleInstance>(
        `${ROLE_MANAGEMENT}/roleAssignmentScheduleInstances`,
        'assignments',
      ),
      this.#roles(),
    ]);
    const now = this.#now();
    return instances.filter((i) => current(i, now)).map((i) => assignmentOf(i, roles));
  }

  async activeInGroups(groupIds: readonly string[]): Promise<readonly ActiveAssignment[]> {
    const now = this.#now();
    const found: ActiveAssignment[] = [];
    for (const id of new Set(groupIds)) {
      const live = await liveGroupInstances(this.#reader, `groupId eq ${literal(id)}`, now);
      found.push(...live.map(groupAssignmentOf));
    }
    return found;
  }

  async lastSignIns(userIds: readonly string[]): Promise<ReadonlyMap<string, number | null>> {
    const found = new Map<string, number | null>();
    const queue = [...new Set(userIds)];
    const readOne = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const user = await this.#reader.get<UserSignIn>(`/users/${segment(id)}`, 'signIns', {
          select: 'id,signInActivity',
        });
        if (!user) continue; // a group, or someone deleted since
        const last = user.signInActivity?.lastSignInDateTime;
        found.set(id, last ? Date.parse(last) : null);
      }
    };
    await Promise.all(Array.from({ length: SIGN_IN_READS_AT_ONCE }, readOne));
    return found;
  }
}
