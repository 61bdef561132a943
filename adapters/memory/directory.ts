import {
  groupIdOf,
  isGroupRef,
  type Principal,
  type PrincipalRef,
} from '../../bot/core/domain/principal.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';

export interface MemoryGroup {
  readonly id: string;
  /** User ids and nested group ids. */
  readonly members: readonly string[];
}

/** A small directory: users by id and email, groups with nesting, membership transitive. */
export class MemoryDirectory implements DirectoryLookup {
  readonly #users: readonly Principal[];
  readonly #groups: ReadonlyMap<string, MemoryGroup>;

  constructor(users: readonly Principal[], groups: readonly MemoryGroup[] = []) {
    this.#users = users;
    this.#groups = new Map(groups.map((g) => [g.id, g]));
  }

  async findUser(idOrEmail: string): Promise<Principal | null> {
    const key = idOrEmail.toLowerCase();
    return this.#users.find((u) => u.id === idOrEmail || u.email?.toLowerCase() === key) ?? null;
  }

  async isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean> {
    const user = this.#users.find((u) => u.id === principalId);
    if (!user) return false;
    return refs.some((ref) =>
      isGroupRef(ref)
        ? this.#inGroup(principalId, groupIdOf(ref), new Set())
        : ref.toLowerCase() === user.email?.toLowerCase(),
    );
  }

  #inGroup(principalId: string, groupId: string, seen: Set<string>): boolean {
    const group = this.#groups.get(groupId);
    if (!group || seen.has(groupId)) return false;
    seen.add(groupId);
    return group.members.some((m) => m === principalId || this.#inGroup(principalId, m, seen));
  }
}
