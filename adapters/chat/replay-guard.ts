/**
 * Remembers signed inbound requests for as long as their signature would be accepted, so a
 * captured request replayed inside that window is refused (Slack's timestamp check alone
 * accepts a replay for five minutes).
 */
import { MemoryOnceKeys } from './once-keys.ts';

export interface ReplayGuard {
  /** True the first time `key` is seen within `ttlSeconds`; false for every repeat. */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
}

export class MemoryReplayGuard implements ReplayGuard {
  readonly #keys: MemoryOnceKeys;

  constructor(now: () => number = Date.now) {
    this.#keys = new MemoryOnceKeys(now);
  }

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    return this.#keys.claim(key, ttlSeconds);
  }
}
