import type { Principal } from '../../bot/core/domain/principal.ts';

/**
 * Chat user → Entra user, remembered for a while: every click would otherwise cost a Slack
 * and a Graph call. `null` is remembered too (shorter), so a stranger cannot make us hammer
 * Graph.
 */
export interface IdentityCache {
  get(platformUserKey: string): Promise<Principal | null | undefined>;
  set(platformUserKey: string, principal: Principal | null): Promise<void>;
}

export const IDENTITY_TTL_SECONDS = 3_600;
export const UNKNOWN_IDENTITY_TTL_SECONDS = 300;

export class MemoryIdentityCache implements IdentityCache {
  readonly #entries = new Map<string, { principal: Principal | null; until: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async get(key: string): Promise<Principal | null | undefined> {
    const entry = this.#entries.get(key);
    if (!entry || entry.until <= this.#now()) return undefined;
    return entry.principal;
  }

  async set(key: string, principal: Principal | null): Promise<void> {
    const ttl = principal ? IDENTITY_TTL_SECONDS : UNKNOWN_IDENTITY_TTL_SECONDS;
    this.#entries.set(key, { principal, until: this.#now() + ttl * 1000 });
  }
}
