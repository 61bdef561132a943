import type { Principal } from '../../bot/core/domain/principal.ts';

/**
 * What the bot remembers about chat users, shared by every replica: chat user → Entra user,
 * the user's own time zone, and Entra user → chat user (to send a direct message). Each is
 * remembered for a while, since every click would otherwise cost a Slack and a Graph call.
 * A miss (`null`: no such person) is remembered for less time, so that a stranger cannot make
 * us hammer Graph and a newcomer is found soon. Failed look-ups are not stored at all.
 */
export interface IdentityCache {
  get(platformUserKey: string): Promise<Principal | null | undefined>;
  set(platformUserKey: string, principal: Principal | null): Promise<void>;
  /** An IANA zone from the user's chat profile, kept as long as who they are. */
  zone(platformUserKey: string): Promise<string | undefined>;
  setZone(platformUserKey: string, zone: string): Promise<void>;
  /** Keyed by platform and Entra id, e.g. `slack:<entra id>`; `null`: not in the workspace. */
  chatUser(key: string): Promise<string | null | undefined>;
  setChatUser(key: string, chatUserId: string | null): Promise<void>;
}

export const IDENTITY_TTL_SECONDS = 3_600;
export const UNKNOWN_IDENTITY_TTL_SECONDS = 300;

/** Seconds an entry is kept: a hit for an hour, a miss (`null`) for five minutes. */
export const ttlFor = (value: unknown): number =>
  value === null ? UNKNOWN_IDENTITY_TTL_SECONDS : IDENTITY_TTL_SECONDS;

type Space = 'identity' | 'zone' | 'chat-user';

export class MemoryIdentityCache implements IdentityCache {
  readonly #entries = new Map<string, { value: unknown; until: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async get(key: string): Promise<Principal | null | undefined> {
    return this.#read(`identity:${key}`) as Principal | null | undefined;
  }

  async set(key: string, principal: Principal | null): Promise<void> {
    this.#write('identity', key, principal);
  }

  async zone(key: string): Promise<string | undefined> {
    const zone = this.#read(`zone:${key}`);
    return typeof zone === 'string' ? zone : undefined;
  }

  async setZone(key: string, zone: string): Promise<void> {
    this.#write('zone', key, zone);
  }

  async chatUser(key: string): Promise<string | null | undefined> {
    return this.#read(`chat-user:${key}`) as string | null | undefined;
  }

  async setChatUser(key: string, chatUserId: string | null): Promise<void> {
    this.#write('chat-user', key, chatUserId);
  }

  #read(key: string): unknown {
    const entry = this.#entries.get(key);
    return !entry || entry.until <= this.#now() ? undefined : entry.value;
  }

  #write(space: Space, key: string, value: unknown): void {
    this.#entries.set(`${space}:${key}`, { value, until: this.#now() + ttlFor(value) * 1000 });
  }
}
