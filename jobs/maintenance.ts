/**
 * Repeatable maintenance on its own queue: today the audit-chain check, posted to the
 * security channel when broken and not again for the same finding within the cooldown. The
 * job scheduler id is fixed, so every replica that starts registers the same one schedule.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ReplayGuard } from '../adapters/chat/replay-guard.ts';
import { checkAuditChain } from '../bot/core/usecases/audit-check.ts';
import type { CoreDeps } from '../bot/core/usecases/deps.ts';
import type { Logger } from '../bot/log.ts';

const QUEUE = 'elevate-maintenance';

export interface MaintenanceOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly log: Logger;
  /** Remembers posted findings for the cooldown (alerts.cooldown). */
  readonly seen: ReplayGuard;
  readonly everyMs: number;
}

export async function scheduleMaintenance(o: MaintenanceOptions): Promise<Queue> {
  const queue = new Queue(QUEUE, { connection: o.connection, prefix: o.prefix });
  await queue.upsertJobScheduler(
    'audit-verify',
    { every: o.everyMs },
    { name: 'audit-verify', opts: { removeOnComplete: true, removeOnFail: 100 } },
  );
  return queue;
}

export function startMaintenanceWorker(deps: CoreDeps, o: MaintenanceOptions): Worker {
  const worker = new Worker(
    QUEUE,
    async (job) => {
      if (job.name !== 'audit-verify') return;
      const { result, alert } = await checkAuditChain(deps);
      o.log.info({ ok: result.ok, entries: result.count }, 'audit chain checked');
      if (alert && (await o.seen.firstSeen(`alert:${alert.key}`, deps.policy().alerts.cooldown))) {
        await deps.notifier.securityAlert(alert);
      }
    },
    { connection: o.connection, prefix: o.prefix, concurrency: 1 },
  );
  worker.on('error', (error) => o.log.error({ err: error.message }, 'maintenance worker error'));
  return worker;
}
