/**
 * Forwards the audit trail to a SIEM webhook in order, in batches, HMAC-signed. A cursor in
 * Redis remembers the last entry the SIEM acknowledged (2xx), so a failed post is simply sent
 * again on the next run: nothing is lost; the SIEM de-duplicates by `seq` if it needs to.
 */
import { createHmac } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { AuditLog } from '../bot/core/ports/audit-log.ts';

const BATCH = 500;

export interface SiemTarget {
  readonly url: string;
  readonly secret: string;
}

/** `sha256=<hex>` over `<timestamp>.<body>`, so a captured request cannot be replayed later unnoticed. */
export const siemSignature = (secret: string, timestamp: number, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

export async function forwardAuditEvents(
  audit: AuditLog,
  redis: Redis | Cluster,
  prefix: string,
  target: SiemTarget,
  now: () => number = Date.now,
): Promise<number> {
  const cursorKey = `${prefix}:siem:cursor`;
  let sent = 0;
  for (;;) {
    const afterSeq = Number((await redis.get(cursorKey)) ?? 0);
    const events = await audit.list({ afterSeq, limit: BATCH });
    const last = events.at(-1);
    if (!last) return sent;
    const body = JSON.stringify({ source: 'elevate', events });
    const timestamp = Math.floor(now() / 1000);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-elevate-timestamp': String(timestamp),
        'x-elevate-signature': siemSignature(target.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      throw new Error(
        `SIEM answered ${response.status}; entries after ${afterSeq} will be sent again`,
      );
    await redis.set(cursorKey, String(last.seq));
    sent += events.length;
    if (events.length < BATCH) return sent;
  }
}
