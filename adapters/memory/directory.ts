import {
  groupIdOf,
  isGroupRef,
  type Principal,
  type PrincipalRef,
} from '../../bot/core/domain/principal.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';

/** A user as Entra holds one: `email` is the mail address (the UPN when there is none). */
export interface MemoryUser extends Principal {
  readonly upn?: string;
  /** A disabled account is found by nobody and approves nothing (default enabled). */
  readonly enabled?: boolean;
}

export interface MemoryGroup {
  readonly id: string;
  /** User ids and nested group ids. */
  readonly members: readonly string[];
}

/**
 * A small directory as the Graph adapter reads Entra: users by object id, UPN or email (case
 * does not matter), disabled accounts not found, groups with nesting, membership transitive.
 */
export class MemoryDirectory implements DirectoryLookup {
  readonly #users: readonly MemoryUser[];
  readonly #groups: ReadonlyMap<string, MemoryGroup>;

  constructor(users: readonly MemoryUser[], groups: readonly MemoryGroup[] = []) {
    this.#users = users;
    this.#groups = new Map(groups.map((g) => [g.id, g]));
  }

  async findUser(idOrEmail: string): Promise<Principal | null> {
    const user = this.#enabled(idOrEmail);
    return user ? { id: user.id, displayName: user.displayName, email: user.email } : null;
  }

  async isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean> {
    const user = this.#enabled(principalId);
    if (!user) return false;
    const names = new Set([user.id, user.upn ?? '', user.email ?? ''].map((n) => n.toLowerCase()));
    return refs.some((ref) =>
      isGroupRef(ref)
        ? this.#inGroup(user.id, groupIdOf(ref), new Set())
        : names.has(ref.trim().toLowerCase()),
    );
  }

  #enabled(idOrEmail: string): MemoryUser | undefined {
    const key = idOrEmail.trim().toLowerCase();
    const user = this.#users.find((u) =>
      [u.id, u.upn ?? '', u.email ?? ''].some((n) => n !== '' && n.toLowerCase() === key),
    );
    return user && user.enabled !== false ? user : undefined;
  }

  #inGroup(principalId: string, groupId: string, seen: Set<string>): boolean {
    const group = this.#groups.get(groupId);
    if (!group || seen.has(groupId)) return false;
    seen.add(groupId);
    return group.members.some((m) => m === principalId || this.#inGroup(principalId, m, seen));
  }
}
