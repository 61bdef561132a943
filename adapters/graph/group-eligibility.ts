/**
 * Eligibility held through a group. Entra lists it under the group's principalId, so the
 * instances held by groups are read once for everybody (cached briefly) and a user's share is
 * the groups among them they belong to, transitively (checkMemberGroups). The user activates
 * with their own principalId, never the group's: activating the group would grant the role to
 * every member.
 */
import { current, ROLE_MANAGEMENT, type ScheduleInstance } from './graph-types.ts';
import { memberGroups } from './member-groups.ts';
import type { GraphReader } from './reader.ts';
import { TtlCache } from './ttl-cache.ts';

const GROUP = '#microsoft.graph.group';

/**
 * Held by a group: Graph says so through the expanded principal (`$expand=principal`), the
 * stand-in by memberType (`Group` for directory roles, `group` for PIM for Groups).
 */
export const heldByGroup = (i: Pick<ScheduleInstance, 'principal' | 'memberType'>): boolean =>
  i.principal ? i.principal['@odata.type'] === GROUP : i.memberType?.toLowerCase() === 'group';

export class GroupEligibility {
  readonly #reader: GraphReader;
  readonly #now: () => number;
  readonly #held: TtlCache<ScheduleInstance[]>;

  constructor(reader: GraphReader, now: () => number, ttlMs: number) {
    this.#reader = reader;
    this.#now = now;
    this.#held = new TtlCache(ttlMs, { now });
  }

  /** The current eligibility instances held by groups `principalId` is in. */
  async of(principalId: string): Promise<ScheduleInstance[]> {
    const now = this.#now();
    const held = (await this.#groupHeld()).filter((i) => current(i, now));
    if (held.length === 0) return [];
    const mine = await memberGroups(
      this.#reader,
      principalId,
      held.map((i) => i.principalId),
    );
    return held.filter((i) => mine.has(i.principalId));
  }

  #groupHeld(): Promise<ScheduleInstance[]> {
    return this.#held.get('all', async () => {
      const all = await this.#reader.list<ScheduleInstance>(
        `${ROLE_MANAGEMENT}/roleEligibilityScheduleInstances`,
        'eligibility',
        { expand: 'principal($select=id)' },
      );
      return all.filter(heldByGroup);
    });
  }
}
