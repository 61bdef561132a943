/**
 * The workers of one process: on Redis, the BullMQ request timers, the notify queue's
 * deliveries and the maintenance jobs (alerts scan, reconcile, audit check, SIEM); on memory
 * (the sandbox without Redis), the same processors polled in this process.
 */

import { MemoryCooldown } from '../adapters/chat/cooldown.ts';
import { RedisCooldown } from '../adapters/redis/cooldown.ts';
import {
  postNew,
  REVIEWS_EVERY_MS,
  scheduleMaintenance,
  startMaintenanceWorker,
} from '../jobs/maintenance.ts';
import { type PlatformDelivery, startNotifyWorker } from '../jobs/notify.ts';
import { startTimerLoop } from '../jobs/timer-loop.ts';
import { closeWorkers } from '../jobs/worker-close.ts';
import { startRequestWorkers } from '../jobs/workers.ts';
import type { ChatPlatform } from './core/ports/chat.ts';
import type { Logger } from './core/ports/logger.ts';
import type { TenantOverview } from './core/ports/tenant-overview.ts';
import { scanForAlerts } from './core/usecases/alerts/scan.ts';
import type { CoreDeps } from './core/usecases/deps.ts';
import { startDueReviews } from './core/usecases/review-start.ts';
import { within } from './shutdown.ts';
import type { Storage } from './storage.ts';

export interface WorkerContext {
  readonly core: CoreDeps;
  readonly storage: Storage;
  readonly log: Logger;
  readonly overview: TenantOverview;
  /** Each chat platform's deliveries for the notify queue. */
  readonly deliveries: ReadonlyMap<ChatPlatform, PlatformDelivery>;
  /** Forward the audit trail to the policy's SIEM with this secret. */
  readonly siem?: { readonly url: string; readonly secret: string };
}

export interface Workers {
  /** Running jobs finish within `graceMs`, or are handed back (jobs/worker-close.ts). */
  close(graceMs?: number): Promise<void>;
}

export async function startWorkers(c: WorkerContext): Promise<Workers> {
  return c.storage.kind === 'redis' ? startQueueWorkers(c, c.storage) : startLocalWorkers(c);
}

async function startQueueWorkers(
  c: WorkerContext,
  storage: Extract<Storage, { kind: 'redis' }>,
): Promise<Workers> {
  const { core, log } = c;
  const { prefix } = storage;
  const requestConnection = storage.workerConnection();
  const requests = startRequestWorkers(core, {
    connection: requestConnection,
    prefix,
    log,
    seal: storage.integrity,
  });
  // Far timers (a grant's reminder and expiry) become jobs here as they come close.
  const handOver = storage.scheduler.startHandOver(log);
  const notifyConnection = c.deliveries.size === 0 ? null : storage.workerConnection();
  const notify =
    notifyConnection === null
      ? null
      : startNotifyWorker({
          connection: notifyConnection,
          prefix,
          store: core.store,
          reviews: storage.reviews,
          platforms: c.deliveries,
          log,
          seal: storage.integrity,
        });
  const maintenanceOptions = {
    connection: storage.queueConnection,
    prefix,
    log,
    cooldown: new RedisCooldown(storage.redis, prefix),
    everyMs: core.policy().alerts.scanEvery * 1000,
    redis: storage.redis,
    overview: c.overview,
    reviews: core.policy().reviews !== undefined,
    ...(c.siem ? { siem: c.siem } : {}),
  };
  const queue = await scheduleMaintenance(maintenanceOptions);
  const maintenance = startMaintenanceWorker(core, maintenanceOptions);
  return {
    async close(graceMs = 5_000) {
      await within(handOver.stop(), graceMs);
      await Promise.all([
        requests.close(graceMs),
        closeWorkers(
          [
            ...(notify && notifyConnection
              ? [{ worker: notify, connection: notifyConnection }]
              : []),
            { worker: maintenance, connection: storage.queueConnection },
          ],
          graceMs,
        ),
      ]);
      await within(queue.close(), 500);
    },
  };
}

/** One process, nothing kept: timers polled here and the alerts scan on an interval. */
function startLocalWorkers(c: WorkerContext): Workers {
  const { core, log } = c;
  if (c.storage.kind !== 'memory') throw new Error('local workers run on memory storage');
  const stopTimers = startTimerLoop(core, c.storage.scheduler, log);
  const cooldown = new MemoryCooldown();
  const scan = () =>
    scanForAlerts(core, c.overview)
      .then((findings) => postNew(core, { cooldown }, findings))
      .catch((e: Error) => log.warn({ err: e.message }, 'alerts scan failed'));
  const scanning = setInterval(() => void scan(), core.policy().alerts.scanEvery * 1000);
  void scan();
  const review = () =>
    startDueReviews(core)
      .then(({ failed }) =>
        postNew(
          core,
          { cooldown },
          failed.map((f) => f.alert),
        ),
      )
      .catch((e: Error) => log.warn({ err: e.message }, 'reviews scan failed'));
  const reviewing = setInterval(() => void review(), REVIEWS_EVERY_MS);
  void review();
  return {
    async close() {
      stopTimers();
      clearInterval(scanning);
      clearInterval(reviewing);
    },
  };
}
