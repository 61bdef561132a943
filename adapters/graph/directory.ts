/**
 * Users and groups in Entra ID through Graph. A name (an approver in policy.yaml, an email
 * from a chat profile) is resolved to an object id by UPN first, then by `mail` only when
 * exactly one enabled user has it: `mail` is editable and not unique, so it never outranks a
 * UPN and never picks between two people. Every approver check compares object ids. Users
 * are cached briefly; `isEnabled` and `lastSignIn` always ask Graph, and group membership is
 * asked at the moment it matters, transitively.
 */
import {
  groupIdOf,
  isGroupRef,
  type Principal,
  type PrincipalRef,
} from '../../bot/core/domain/principal.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import { memberGroups } from './member-groups.ts';
import { type GraphReader, literal, segment } from './reader.ts';
import { TtlCache } from './ttl-cache.ts';

interface GraphUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string;
  readonly mail?: string | null;
  readonly accountEnabled?: boolean | null;
}

export interface GraphDirectoryOptions {
  readonly now?: () => number;
  /** How long a found user is trusted. */
  readonly ttlMs?: number;
  /** How long "no such user" is trusted; short, so a new account is found soon. */
  readonly missTtlMs?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const SELECT = 'id,displayName,userPrincipalName,mail,accountEnabled';
const enabled = (u: GraphUser | null): u is GraphUser => !!u && u.accountEnabled !== false;

export class GraphDirectory implements DirectoryLookup {
  readonly #reader: GraphReader;
  readonly #users: TtlCache<GraphUser | null>;
  /** Approver name → object id: resolved once (misses are asked again after missTtlMs). */
  readonly #approvers: TtlCache<string | null>;

  constructor(reader: GraphReader, options: GraphDirectoryOptions = {}) {
    this.#reader = reader;
    const ttl = options.ttlMs ?? 2 * 60_000;
    const missTtl = options.missTtlMs ?? 30_000;
    const now = options.now ? { now: options.now } : {};
    this.#users = new TtlCache(ttl, { ...now, ttlFor: (user) => (user ? ttl : missTtl) });
    this.#approvers = new TtlCache(Number.POSITIVE_INFINITY, {
      ...now,
      ttlFor: (id) => (id ? Number.POSITIVE_INFINITY : missTtl),
    });
  }

  async findUser(idOrEmail: string): Promise<Principal | null> {
    const user = await this.#user(idOrEmail);
    if (!enabled(user)) return null;
    return {
      id: user.id,
      displayName: user.displayName ?? user.userPrincipalName,
      email: user.mail ?? user.userPrincipalName,
    };
  }

  async isEnabled(principalId: string): Promise<boolean> {
    if (!GUID.test(principalId.trim())) return false;
    const user = await this.#reader.get<GraphUser>(
      `/users/${segment(principalId.trim())}`,
      'users',
      {
        select: SELECT,
      },
    );
    // What Graph says now also refreshes the cache, so a disabled account stops everywhere.
    this.#users.set(principalId.trim().toLowerCase(), user);
    return enabled(user);
  }

  /**
   * `GET /users/{id}?$select=id,signInActivity` (needs AuditLog.Read.All): Graph gives
   * signInActivity for one user only when addressed by object id, so anything else is null.
   */
  async lastSignIn(principalId: string): Promise<number | null> {
    const id = principalId.trim();
    if (!GUID.test(id)) return null;
    const user = await this.#reader.get<{
      readonly signInActivity?: { readonly lastSignInDateTime?: string | null } | null;
    }>(`/users/${segment(id)}`, 'signIns', { select: 'id,signInActivity' });
    const last = user?.signInActivity?.lastSignInDateTime;
    return last ? Date.parse(last) : null;
  }

  async isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean> {
    if (refs.length === 0) return false;
    const user = await this.#user(principalId);
    // A disabled account approves nothing, whatever its chat account still says.
    if (!enabled(user)) return false;
    for (const ref of refs.filter((r) => !isGroupRef(r))) {
      if ((await this.#approverId(ref)) === user.id.toLowerCase()) return true;
    }
    const groups = refs.filter(isGroupRef).map(groupIdOf);
    if (groups.length === 0) return false;
    const mine = await memberGroups(this.#reader, user.id, groups, { firstOnly: true });
    return mine.size > 0;
  }

  /** The object id a policy.yaml approver names (lowercase), or null when it names nobody. */
  #approverId(ref: PrincipalRef): Promise<string | null> {
    const key = ref.trim().toLowerCase();
    return this.#approvers.get(
      key,
      async () => (await this.#lookup(ref.trim()))?.id.toLowerCase() ?? null,
    );
  }

  #user(idOrEmail: string): Promise<GraphUser | null> {
    const key = idOrEmail.trim().toLowerCase();
    return this.#users.get(key, async () => {
      const user = await this.#lookup(idOrEmail.trim());
      if (user && user.id.toLowerCase() !== key) this.#users.set(user.id.toLowerCase(), user);
      return user;
    });
  }

  async #lookup(text: string): Promise<GraphUser | null> {
    const isId = GUID.test(text);
    if (!isId && !EMAIL.test(text)) return null;
    // An object id or a UPN is a key: one direct read. A UPN that belongs to a disabled
    // account still decides: nobody else inherits that name through their mail.
    const user = await this.#reader.get<GraphUser>(`/users/${segment(text)}`, 'users', {
      select: SELECT,
    });
    if (user || isId) return user;
    // Not a UPN: an email address (mail), as Slack profiles give it, held by one enabled
    // account. Two with one address: guessing could let the wrong person act.
    const found = await this.#reader.list<GraphUser>('/users', 'users', {
      filter: `mail eq ${literal(text)}`,
      select: SELECT,
    });
    const live = found.filter(enabled);
    return live.length === 1 ? (live[0] ?? null) : null;
  }
}
