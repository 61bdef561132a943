/**
 * Remembers signed inbound requests (and alerts already posted) for as long as they matter,
 * so a captured request replayed inside that window is refused (Slack's timestamp check alone
 * accepts a replay for five minutes) and a repeated finding is not posted twice.
 */
export interface ReplayGuard {
  /** True the first time `key` is seen within `ttlSeconds`; false for every repeat. */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
}
