/**
 * Remembers signed inbound requests for as long as their signature would be accepted, so a
 * captured request replayed inside that window is refused (Slack's timestamp check alone
 * accepts a replay for five minutes). The alert cooldown and the used export links have
 * ports of their own (cooldown.ts, used-links.ts).
 */
export interface ReplayGuard {
  /** True the first time `key` is seen within `ttlSeconds`; false for every repeat. */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
}
