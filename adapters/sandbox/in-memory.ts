/**
 * The sandbox without Redis: the same core and Graph adapter on the in-memory store, audit
 * log and scheduler, with the timers run in this process. One process only; nothing survives
 * a restart.
 */
import type { AddressInfo } from 'node:net';
import type { ChatSurface } from '../../bot/app.ts';
import type { Config } from '../../bot/config.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import { scanForAlerts } from '../../bot/core/usecases/alerts/scan.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import type { Logger } from '../../bot/log.ts';
import { FanOutNotifier } from '../../bot/notifiers.ts';
import { createHttpServer } from '../../bot/server.ts';
import { postNew } from '../../jobs/maintenance.ts';
import { MemoryCooldown } from '../chat/cooldown.ts';
import { createGraph } from '../graph/index.ts';
import { MemoryAuditLog } from '../memory/audit-log.ts';
import { randomIds } from '../memory/ids.ts';
import { MemoryRequestStore } from '../memory/request-store.ts';
import { MemoryScheduler } from '../memory/scheduler.ts';
import { systemClock } from '../system/clock.ts';
import { startTimerLoop } from './timer-loop.ts';

export interface InMemoryOptions {
  readonly config: Config;
  readonly policy: Policy;
  readonly log: Logger;
  readonly surface: ChatSurface;
  readonly host: string;
}

export async function startInMemory(o: InMemoryOptions) {
  if (!o.config.azure) throw new Error('the sandbox tenant is not configured');
  const graph = createGraph(o.config.azure, o.log);
  const audit = new MemoryAuditLog();
  const scheduler = new MemoryScheduler();
  const deps: CoreDeps = {
    store: new MemoryRequestStore(audit),
    audit,
    directory: graph.directory,
    privileges: graph.privileges,
    notifier: new FanOutNotifier([o.surface.notifier], o.log),
    scheduler,
    clock: systemClock,
    ids: randomIds,
    policy: () => o.policy,
  };
  await o.surface.start(deps);
  const stopTimers = startTimerLoop(deps, scheduler, o.log);
  // The alerts scan, as the maintenance queue runs it in production.
  const cooldown = new MemoryCooldown();
  const scan = async () => {
    const findings = await scanForAlerts(deps, graph.overview);
    await postNew(deps, { cooldown }, findings);
  };
  const scanning = setInterval(
    () => void scan().catch((e: Error) => o.log.warn({ err: e.message }, 'alerts scan failed')),
    o.policy.alerts.scanEvery * 1000,
  );
  void scan().catch((e: Error) => o.log.warn({ err: e.message }, 'alerts scan failed'));
  const server = createHttpServer({ log: o.log, routes: o.surface.routes, checks: [] });
  await new Promise<void>((resolve) => server.listen(o.config.port, o.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    deps,
    async close() {
      stopTimers();
      clearInterval(scanning);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
