/**
 * Users and groups in Entra ID through Graph. Lookups are cached briefly in memory; group
 * membership is transitive (checkMemberGroups, 20 groups a call).
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import {
  groupIdOf,
  isGroupRef,
  type Principal,
  type PrincipalRef,
} from '../../bot/core/domain/principal.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import { failureOf } from './errors.ts';
import { TtlCache } from './ttl-cache.ts';

interface GraphUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string | null;
  accountEnabled?: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SELECT = 'id,displayName,userPrincipalName,mail,accountEnabled';
const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

export class GraphDirectory implements DirectoryLookup {
  readonly #client: Client;
  readonly #users: TtlCache<GraphUser | null>;

  constructor(client: Client, now: () => number = Date.now, ttlMs = 5 * 60_000) {
    this.#client = client;
    this.#users = new TtlCache(ttlMs, now);
  }

  async findUser(idOrEmail: string): Promise<Principal | null> {
    const user = await this.#users.get(idOrEmail.toLowerCase(), () => this.#fetch(idOrEmail));
    if (!user || user.accountEnabled === false) return null;
    return {
      id: user.id,
      displayName: user.displayName,
      email: user.mail ?? user.userPrincipalName,
    };
  }

  async isAnyOf(principalId: string, refs: readonly PrincipalRef[]): Promise<boolean> {
    const user = await this.#users.get(principalId.toLowerCase(), () => this.#fetch(principalId));
    if (!user || user.accountEnabled === false) return false;
    const names = [user.userPrincipalName, user.mail ?? ''].map((n) => n.toLowerCase());
    if (refs.some((r) => !isGroupRef(r) && names.includes(r.toLowerCase()))) return true;
    const groups = refs.filter(isGroupRef).map(groupIdOf);
    for (let i = 0; i < groups.length; i += 20) {
      const reply = (await this.#client
        .api(`/users/${user.id}/checkMemberGroups`)
        .post({ groupIds: groups.slice(i, i + 20) })) as { value: string[] };
      if (reply.value.length > 0) return true;
    }
    return false;
  }

  async #fetch(idOrEmail: string): Promise<GraphUser | null> {
    try {
      if (GUID.test(idOrEmail) || !idOrEmail.includes('@')) {
        return (await this.#client
          .api(`/users/${encodeURIComponent(idOrEmail)}`)
          .select(SELECT)
          .get()) as GraphUser;
      }
      const found = (await this.#client
        .api('/users')
        .filter(`mail eq ${quote(idOrEmail)} or userPrincipalName eq ${quote(idOrEmail)}`)
        .select(SELECT)
        .get()) as { value: GraphUser[] };
      return found.value[0] ?? null;
    } catch (error) {
      if (failureOf(error).status === 404) return null;
      throw error;
    }
  }
}
