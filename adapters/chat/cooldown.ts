/**
 * Keeps a repeated alert from being posted again within policy.yaml `alerts.cooldown`: the
 * same finding on every scan would otherwise flood the security channel.
 */
import { MemoryOnceKeys } from './once-keys.ts';

export interface Cooldown {
  /** True if `key` is not cooling down, which starts its cooldown of `seconds`; else false. */
  start(key: string, seconds: number): Promise<boolean>;
}

export class MemoryCooldown implements Cooldown {
  readonly #keys: MemoryOnceKeys;

  constructor(now: () => number = Date.now) {
    this.#keys = new MemoryOnceKeys(now);
  }

  async start(key: string, seconds: number): Promise<boolean> {
    return this.#keys.claim(key, seconds);
  }
}
