/**
 * Repeatable maintenance on its own queue: the audit-chain check and the alerts scan (findings
 * go to the security channel, not again for the same finding within the cooldown), starting
 * due eligibility reviews, reconcile
 * (at start and every five minutes) and forwarding the audit trail to the SIEM. The
 * job scheduler id is fixed, so every replica that starts registers the same one schedule.
 */
import { Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { SecurityAlert } from '../bot/core/domain/alert.ts';
import type { Cooldown } from '../bot/core/ports/cooldown.ts';
import type { Logger } from '../bot/core/ports/logger.ts';
import type { TenantOverview } from '../bot/core/ports/tenant-overview.ts';
import { scanForAlerts } from '../bot/core/usecases/alerts/scan.ts';
import { checkAuditChain } from '../bot/core/usecases/audit-check.ts';
import type { CoreDeps } from '../bot/core/usecases/deps.ts';
import { reconcile } from '../bot/core/usecases/reconcile.ts';
import { startDueReviews } from '../bot/core/usecases/review-start.ts';
import { forwardAuditEvents, type SiemTarget } from './siem-forward.ts';
import { ignoreQueueErrors, logWorkerErrors } from './worker-close.ts';

const QUEUE = 'elevate-maintenance';

export interface MaintenanceOptions {
  readonly connection: Redis | Cluster;
  readonly prefix: string;
  readonly log: Logger;
  /** Remembers posted findings for the cooldown (alerts.cooldown). */
  readonly cooldown: Cooldown;
  readonly everyMs: number;
  /** Forward the audit trail here every few seconds (policy siem.url + SIEM_SECRET). */
  readonly siem?: SiemTarget;
  /** Client for the forwarding cursor. */
  readonly redis?: Redis | Cluster;
  /** The tenant as a whole, for alerts-scan (every `everyMs`); without it the scan is off. */
  readonly overview?: TenantOverview;
  /** policy.yaml has `reviews:`: look for due reviews every REVIEWS_EVERY_MS. */
  readonly reviews?: boolean;
}

const SIEM_EVERY_MS = 10_000;
const RECONCILE_EVERY_MS = 5 * 60_000;
/** How often due eligibility reviews are looked for (policy reviews:); also right at start. */
export const REVIEWS_EVERY_MS = 5 * 60_000;

export async function scheduleMaintenance(o: MaintenanceOptions): Promise<Queue> {
  const queue = new Queue(QUEUE, { connection: o.connection, prefix: o.prefix });
  ignoreQueueErrors(queue);
  const opts = { removeOnComplete: true, removeOnFail: 100 };
  await queue.upsertJobScheduler(
    'audit-verify',
    { every: o.everyMs },
    { name: 'audit-verify', opts },
  );
  if (o.siem) {
    await queue.upsertJobScheduler(
      'siem-forward',
      { every: SIEM_EVERY_MS },
      { name: 'siem-forward', opts },
    );
  } else {
    await queue.removeJobScheduler('siem-forward');
  }
  if (o.overview) {
    await queue.upsertJobScheduler(
      'alerts-scan',
      { every: o.everyMs },
      { name: 'alerts-scan', opts },
    );
  } else {
    await queue.removeJobScheduler('alerts-scan');
  }
  if (o.reviews) {
    await queue.upsertJobScheduler(
      'reviews-scan',
      { every: REVIEWS_EVERY_MS },
      { name: 'reviews-scan', opts },
    );
    await queue.add('reviews-scan', {}, opts);
  } else {
    await queue.removeJobScheduler('reviews-scan');
  }
  await queue.upsertJobScheduler(
    'reconcile',
    { every: RECONCILE_EVERY_MS },
    { name: 'reconcile', opts },
  );
  // Also right away: a restart is exactly when timers may have been lost. Harmless if
  // several replicas start at once: reconcile is idempotent.
  await queue.add('reconcile', {}, opts);
  return queue;
}

export function startMaintenanceWorker(deps: CoreDeps, o: MaintenanceOptions): Worker {
  const worker = new Worker(
    QUEUE,
    async (job) => {
      if (job.name === 'siem-forward' && o.siem && o.redis) {
        const sent = await forwardAuditEvents(deps.audit, o.redis, o.prefix, o.siem);
        if (sent > 0) o.log.info({ sent }, 'audit events forwarded to the SIEM');
        return;
      }
      if (job.name === 'alerts-scan' && o.overview) {
        // A refused read (say AuditLog.Read.All not granted) skips its check, not the others.
        const findings = await scanForAlerts(deps, o.overview, (check, error) =>
          o.log.error(
            { check, err: error instanceof Error ? error.message : String(error) },
            'alerts scan: a check could not run',
          ),
        );
        const posted = await postNew(deps, o, findings);
        o.log.info({ findings: findings.length, posted }, 'alerts scan done');
        return;
      }
      if (job.name === 'reviews-scan') {
        const { started, failed } = await startDueReviews(deps);
        await postNew(
          deps,
          o,
          failed.map((f) => f.alert),
        );
        if (started.length > 0 || failed.length > 0)
          o.log.info(
            { started: started.map((r) => r.id), failed: failed.map((f) => f.typed) },
            'reviews scan done',
          );
        return;
      }
      if (job.name === 'reconcile') {
        const report = await reconcile(deps);
        o.log.info(report, 'reconciled open requests');
        return;
      }
      if (job.name !== 'audit-verify') return;
      const { result, alert } = await checkAuditChain(deps);
      o.log.info({ ok: result.ok, entries: result.count }, 'audit chain checked');
      if (alert) await postNew(deps, o, [alert]);
    },
    { connection: o.connection, prefix: o.prefix, concurrency: 1 },
  );
  logWorkerErrors(worker, o.log, 'maintenance worker');
  return worker;
}

/** Posts the findings not already posted within the cooldown; returns how many it posted. */
export async function postNew(
  deps: CoreDeps,
  o: Pick<MaintenanceOptions, 'cooldown'>,
  alerts: readonly SecurityAlert[],
): Promise<number> {
  let posted = 0;
  for (const alert of alerts) {
    if (!(await o.cooldown.start(alert.key, deps.policy().alerts.cooldown))) continue;
    await deps.notifier.securityAlert(alert);
    posted += 1;
  }
  return posted;
}
