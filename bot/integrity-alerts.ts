/**
 * What happens when something in Redis fails its seal, beyond the log line storage.ts writes:
 * a metric, and a security-channel alert. One alert per kind and hour: an attacker who
 * rewrites many records must not bury the channel, and the first alert already says what to do.
 */
import type { Integrity } from '../adapters/integrity.ts';
import type { SecurityAlert } from './core/domain/alert.ts';
import type { Logger } from './core/ports/logger.ts';
import type { Notifier } from './core/ports/notifier.ts';
import type { Metrics } from './metrics.ts';

const QUIET_MS = 3_600_000;

const WHAT = {
  request: 'An access request',
  identity: 'An identity-cache entry',
  conversation: 'A Teams conversation reference',
  'sign-in': 'A sign-in link or MFA proof',
  job: 'A job payload',
  audit: 'The audit trail',
  review: 'An eligibility review',
} as const;

export function alertOnRefusals(
  integrity: Integrity,
  o: { metrics: Metrics; notifier: Notifier; log: Logger; now: () => number },
): void {
  const lastAlert = new Map<string, number>();
  integrity.onRefusal((incident) => {
    o.metrics.integrityRefusals.inc({ kind: incident.kind });
    const now = o.now();
    if (now - (lastAlert.get(incident.kind) ?? Number.NEGATIVE_INFINITY) < QUIET_MS) return;
    lastAlert.set(incident.kind, now);
    const alert: SecurityAlert = {
      kind: 'redis_record_refused',
      key: `redis-record-refused:${incident.kind}:${Math.floor(now / QUIET_MS)}`,
      title: 'Something in Redis was changed behind the bot',
      details: [
        `${WHAT[incident.kind]} failed its integrity check: \`${incident.name}\` (${incident.problem}).`,
        incident.kind === 'audit'
          ? 'Reads of the audit trail stop at the damage; `npm run audit:verify` names it.'
          : 'The bot refused it and did not act on it.',
        'Further refusals of this kind in the next hour are counted in elevate_integrity_refusals_total, not posted.',
      ],
      action:
        'Treat Redis as compromised: find who has write access to it, rotate its password, and run `npm run audit:verify --anchor-file <the log lines with auditAnchor>`.',
      since: now,
    };
    o.notifier
      .securityAlert(alert)
      .catch((error: Error) =>
        o.log.error({ err: error.message }, 'could not post the integrity alert'),
      );
  });
}
