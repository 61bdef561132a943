/**
 * The composition root: configuration in, a running bot out. Platform SDKs are imported only
 * when their platform is configured, so an unused platform costs no start-up time or memory.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { EXPORT_PATH, ExportLinks, exportLinkRoute } from '../adapters/chat/export-links.ts';
import type { ChatPlatform } from '../adapters/chat/message-refs.ts';
import { rateLimitWait } from '../adapters/chat/outbox.ts';
import { randomIds } from '../adapters/memory/ids.ts';
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { connectRedis } from '../adapters/redis/connection.ts';
import { RedisConversationRefs } from '../adapters/redis/conversation-refs.ts';
import { RedisCooldown } from '../adapters/redis/cooldown.ts';
import { RedisIdentityCache } from '../adapters/redis/identity-cache.ts';
import { RedisMessageRefs } from '../adapters/redis/message-refs.ts';
import { RedisOutbox } from '../adapters/redis/outbox.ts';
import { RedisReplayGuard } from '../adapters/redis/replay-guard.ts';
import { RedisRequestStore } from '../adapters/redis/request-store.ts';
import { sharedKey } from '../adapters/redis/shared-key.ts';
import { RedisUsedLinks } from '../adapters/redis/used-links.ts';
import { systemClock } from '../adapters/system/clock.ts';
import { scheduleMaintenance, startMaintenanceWorker } from '../jobs/maintenance.ts';
import {
  NotifyQueue,
  notifyQueue,
  type PlatformDelivery,
  startNotifyWorker,
} from '../jobs/notify.ts';
import { BullScheduler } from '../jobs/scheduler.ts';
import { startRequestWorkers } from '../jobs/workers.ts';
import type { Config } from './config.ts';
import type { Policy } from './core/domain/policy.ts';
import type { Clock } from './core/ports/clock.ts';
import type { Notifier } from './core/ports/notifier.ts';
import type { TenantOverview } from './core/ports/tenant-overview.ts';
import type { CoreDeps } from './core/usecases/deps.ts';
import type { Logger } from './log.ts';
import { Metrics, OutcomeCounter } from './metrics.ts';
import { FanOutNotifier } from './notifiers.ts';
import { createHttpServer, type Handler } from './server.ts';

export interface RunningApp {
  readonly url: string;
  readonly server: Server;
  readonly deps: CoreDeps;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly config: Config;
  readonly policy: Policy;
  readonly log: Logger;
  readonly clock?: Clock;
  /** More chat surfaces beside Slack and Teams (the sandbox console). */
  readonly platforms?: readonly ChatSurface[];
  /** Listen on this address only (the sandbox: localhost); all interfaces by default. */
  readonly host?: string;
}

/** A chat surface the composition root can mount: its notifier, its routes, its start. */
export interface ChatSurface {
  readonly notifier: Notifier;
  readonly routes: ReadonlyMap<string, Handler>;
  start(deps: CoreDeps): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, log } = options;
  const policy = () => options.policy;
  const clock = options.clock ?? systemClock;
  const redis = connectRedis(config.redis.url);
  redis.on('error', (error: Error) => log.warn({ err: error.message }, 'redis unavailable'));
  await redis.connect();
  const queueConnection = redis.duplicate({
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  }) as Redis;
  const prefix = config.redis.prefix;

  const audit = new RedisAuditLog(redis, prefix);
  const store = new RedisRequestStore(redis, prefix);
  const metrics = new Metrics();
  const graph = await loadGraph(config, log, metrics);
  const notifiers: Notifier[] = [new OutcomeCounter(metrics)];
  const notify = notifyQueue(queueConnection, prefix);
  const queued = new NotifyQueue(notify, [
    ...(config.slack ? (['slack'] as const) : []),
    ...(config.teams ? (['teams'] as const) : []),
  ]);
  const outbox = new RedisOutbox({
    redis,
    prefix,
    rateLimit: rateLimitWait,
    scheduleDigest: (platform, channel, at) => queued.scheduleDigest(platform, channel, at),
  });
  const deliveries = new Map<ChatPlatform, PlatformDelivery>();
  const routes = new Map<string, Handler>();
  const starters: ((deps: CoreDeps) => Promise<void>)[] = [];
  let core: CoreDeps | null = null;
  const stoppers: (() => Promise<void>)[] = [];

  if (config.slack) {
    const { createSlack } = await import('../adapters/slack/index.ts');
    const slack = createSlack(config.slack, {
      refs: new RedisMessageRefs(redis, prefix),
      identityCache: new RedisIdentityCache(redis, prefix),
      replayGuard: new RedisReplayGuard(redis, prefix),
      policy,
      directory: graph.directory,
      clock,
      log,
      outbox,
      takeDigest: (channel) => outbox.takeDigest('slack', channel),
    });
    deliveries.set('slack', {
      notifier: slack.notifier,
      flushDigest: (channel) => slack.notifier.flushDigest(channel),
    });
    if (slack.route) routes.set('POST /slack/events', slack.route);
    starters.push((deps) => slack.start(deps));
    stoppers.push(() => slack.stop());
  }

  if (config.teams) {
    const { createTeams } = await import('../adapters/teams/index.ts');
    const exportLinks = config.publicUrl
      ? new ExportLinks({
          baseUrl: config.publicUrl,
          key: sharedKey(redis, prefix, 'export-links'),
          used: new RedisUsedLinks(redis, prefix),
        })
      : undefined;
    if (exportLinks)
      routes.set(
        `GET ${EXPORT_PATH}`,
        exportLinkRoute(exportLinks, () => core),
      );
    const teams = createTeams(config.teams, {
      refs: new RedisMessageRefs(redis, prefix),
      conversations: new RedisConversationRefs(redis, prefix),
      policy,
      directory: graph.directory,
      clock,
      log,
      outbox,
      takeDigest: (channel) => outbox.takeDigest('teams', channel),
      ...(exportLinks ? { exportLinks } : {}),
    });
    deliveries.set('teams', {
      notifier: teams.notifier,
      flushDigest: (channel) => teams.notifier.flushDigest(channel),
    });
    routes.set('POST /api/messages', teams.route);
    starters.push((deps) => teams.start(deps));
  }

  for (const surface of options.platforms ?? []) {
    notifiers.push(surface.notifier);
    for (const [route, handler] of surface.routes) routes.set(route, handler);
    starters.push((deps) => surface.start(deps));
  }

  // Slack and Teams hear of changes through the notify queue; other surfaces directly.
  if (deliveries.size > 0) notifiers.push(queued);
  const scheduler = new BullScheduler(queueConnection, prefix, clock);
  metrics.queueDepth(async () => (await scheduler.depth()) + (await queued.depth()));
  const deps: CoreDeps = {
    store,
    audit,
    directory: graph.directory,
    privileges: graph.privileges,
    notifier: new FanOutNotifier(notifiers, log),
    scheduler,
    clock,
    ids: randomIds,
    policy,
  };
  core = deps;
  for (const start of starters) await start(deps);
  const workers =
    config.process === 'web'
      ? null
      : startRequestWorkers(deps, {
          connection: queueConnection.duplicate({ maxRetriesPerRequest: null }) as Redis,
          prefix,
          log,
        });

  const notifyWorker =
    config.process === 'web' || deliveries.size === 0
      ? null
      : startNotifyWorker({
          connection: queueConnection.duplicate({ maxRetriesPerRequest: null }) as Redis,
          prefix,
          store,
          platforms: deliveries,
          log,
        });

  const maintenanceOptions = {
    connection: queueConnection,
    prefix,
    log,
    cooldown: new RedisCooldown(redis, prefix),
    everyMs: options.policy.alerts.scanEvery * 1000,
    redis,
    overview: graph.overview,
    ...(options.policy.siem && config.siemSecret
      ? { siem: { url: options.policy.siem.url, secret: config.siemSecret } }
      : {}),
  };
  if (options.policy.siem && !config.siemSecret)
    log.warn('policy.yaml names a SIEM but SIEM_SECRET is not set: audit events are not forwarded');
  const maintenance =
    config.process === 'web'
      ? null
      : {
          queue: await scheduleMaintenance(maintenanceOptions),
          worker: startMaintenanceWorker(deps, maintenanceOptions),
        };

  // A worker process serves health, readiness and metrics only; chat arrives at web replicas.
  const server = createHttpServer({
    log,
    routes: config.process === 'worker' ? new Map() : routes,
    metrics,
    checks: [
      { name: 'redis', check: async () => void (await redis.ping()) },
      { name: 'queues', check: async () => void (await scheduler.depth()) },
    ],
  });
  await new Promise<void>((resolve) => server.listen(config.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    server,
    deps,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const stop of stoppers) await stop();
      await workers?.close();
      await notifyWorker?.close();
      await notify.close();
      await maintenance?.worker.close();
      await maintenance?.queue.close();
      await scheduler.close();
      queueConnection.disconnect();
      redis.disconnect();
    },
  };
}

/** Graph when Azure is configured; the sandbox brings its own simulated tenant. */
async function loadGraph(
  config: Config,
  log: Logger,
  metrics: Metrics,
): Promise<Pick<CoreDeps, 'directory' | 'privileges'> & { overview: TenantOverview }> {
  if (!config.azure)
    throw new Error('Microsoft Graph is not configured: set AZURE_TENANT_ID and AZURE_CLIENT_ID');
  const { createGraph } = await import('../adapters/graph/index.ts');
  return createGraph(config.azure, log, (status) => metrics.graphResponse(status));
}
