/**
 * Users and groups in Entra ID through Graph. User lookups are cached briefly in memory (a
 * disabled account stops counting within that time); group membership is asked at the moment
 * it matters, transitively.
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

export class GraphDirectory implements DirectoryLookup {
  readonly #reader: GraphReader;
  readonly #users: TtlCache<GraphUser | null>;

  constructor(reader: GraphReader, options: GraphDirectoryOptions = {}) {
    this.#reader = reader;
    const ttl = options.ttlMs ?? 2 * 60_000;
    const missTtl = options.missTtlMs ?? 30_000;
    this.#users = new TtlCache(ttl, {
      ...(options.now ? { now: options.now } : {}),
      ttlFor: (user) => (user ? ttl : missTtl),
    });
  }

  async findUser(idOrEmail: string): Promise<Principal | null> {
    const user = await this.#user(idOrEmail);
    if (!user || user.accountEnabled === false) return null;
    return {
      id: user.id,
      displayName: user.displayName ?? user.userPrincipalName,
      email: user.mail ?? user.userPrincipalName,
    };
  }

  async isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean> {
    if (refs.length === 0) return false;
    const user = await this.#user(principalId);
    // A disabled account approves nothing, whatever its chat account still says.
    if (!user || user.accountEnabled === false) return false;
    const names = new Set(
      [user.id, user.userPrincipalName, user.mail ?? ''].map((n) => n.toLowerCase()),
    );
    if (refs.some((r) => !isGroupRef(r) && names.has(r.trim().toLowerCase()))) return true;
    const groups = refs.filter(isGroupRef).map(groupIdOf);
    if (groups.length === 0) return false;
    const mine = await memberGroups(this.#reader, user.id, groups, { firstOnly: true });
    return mine.size > 0;
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
    // An object id or a UPN is a key: one direct read.
    const user = await this.#reader.get<GraphUser>(`/users/${segment(text)}`, 'users', {
      select: SELECT,
    });
    if (user || isId) return user;
    // Not a UPN: an email address (mail), as Slack profiles give it.
    const found = await this.#reader.list<GraphUser>('/users', 'users', {
      filter: `mail eq ${literal(text)} or userPrincipalName eq ${literal(text)}`,
      select: SELECT,
    });
    // Two accounts with one address: guessing could let the wrong person act.
    return found.length === 1 ? (found[0] ?? null) : null;
  }
}
