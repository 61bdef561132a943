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
  /** Epoch ms of the last sign-in; null or absent: never signed in. */
  readonly lastSignIn?: number | null;
}

export interface MemoryGroup {
  readonly id: string;
  /** User ids and nested group ids. */
  readonly members: readonly string[];
}

/**
 * A small directory as the Graph adapter reads Entra: a name resolves by object id, then UPN,
 * then mail only when exactly one enabled user has it (case does not matter); disabled
 * accounts are not found; approvers are compared by object id; groups nest, membership is
 * transitive. Users can be disabled, and sign in, while a test runs (`disable`,
 * `setLastSignIn`).
 */
export class MemoryDirectory implements DirectoryLookup {
  readonly #users: MemoryUser[];
  readonly #groups: ReadonlyMap<string, MemoryGroup>;

  constructor(users: readonly MemoryUser[], groups: readonly MemoryGroup[] = []) {
    this.#users = [...users];
    this.#groups = new Map(groups.map((g) => [g.id, g]));
  }

  /** The account is switched off in Entra (accountEnabled false). */
  disable(principalId: string): void {
    const i = this.#users.findIndex((u) => u.id === principalId);
    const user = this.#users[i];
    if (user) this.#users[i] = { ...user, enabled: false };
  }

  /** The user signed in at `at` (null: never). */
  setLastSignIn(principalId: string, at: number | null): void {
    const i = this.#users.findIndex((u) => u.id === principalId);
    const user = this.#users[i];
    if (user) this.#users[i] = { ...user, lastSignIn: at };
  }

  /** By object id only, as Graph gives signInActivity. */
  async lastSignIn(principalId: string): Promise<number | null> {
    const id = principalId.trim().toLowerCase();
    return this.#users.find((u) => u.id.toLowerCase() === id)?.lastSignIn ?? null;
  }

  async findUser(idOrEmail: string): Promise<Principal | null> {
    const user = this.#resolve(idOrEmail);
    return user && user.enabled !== false
      ? { id: user.id, displayName: user.displayName, email: user.email }
      : null;
  }

  async isEnabled(principalId: string): Promise<boolean> {
    const id = principalId.trim().toLowerCase();
    return this.#users.some((u) => u.id.toLowerCase() === id && u.enabled !== false);
  }

  async isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean> {
    const id = principalId.trim().toLowerCase();
    const user = this.#users.find((u) => u.id.toLowerCase() === id);
    if (!user || user.enabled === false) return false;
    return refs.some((ref) =>
      isGroupRef(ref)
        ? this.#inGroup(user.id, groupIdOf(ref), new Set())
        : this.#resolve(ref)?.id === user.id,
    );
  }

  /** Object id, then UPN (enabled or not: the name is taken), then a unique enabled mail. */
  #resolve(name: string): MemoryUser | undefined {
    const key = name.trim().toLowerCase();
    const same = (n: string | undefined) => n !== undefined && n !== '' && n.toLowerCase() === key;
    const byKey = this.#users.find((u) => same(u.id) || same(u.upn));
    if (byKey) return byKey;
    const byMail = this.#users.filter((u) => same(u.email) && u.enabled !== false);
    return byMail.length === 1 ? byMail[0] : undefined;
  }

  #inGroup(principalId: string, groupId: string, seen: Set<string>): boolean {
    const group = this.#groups.get(groupId);
    if (!group || seen.has(groupId)) return false;
    seen.add(groupId);
    return group.members.some((m) => m === principalId || this.#inGroup(principalId, m, seen));
  }
}
