/**
 * Keeps a repeated alert from being posted again within policy.yaml `alerts.cooldown`: the
 * same finding on every scan would otherwise flood the security channel.
 */
export interface Cooldown {
  /** True if `key` is not cooling down, which starts its cooldown of `seconds`; else false. */
  start(key: string, seconds: number): Promise<boolean>;
}
