/**
 * The composition root: configuration in, a running bot out. Storage first, then the core,
 * then every chat surface built on the core, then the workers and the HTTP server. Platform
 * SDKs are imported only when their platform is configured.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { directOutbox } from '../adapters/chat/outbox.ts';
import type { Handler } from '../adapters/http/route.ts';
import { randomIds } from '../adapters/memory/ids.ts';
import { OverviewByKind, PrivilegesByKind } from '../adapters/privilege-kinds.ts';
import { RedisSignInStore } from '../adapters/redis/signin-store.ts';
import { MemorySignInStore } from '../adapters/signin/store.ts';
import { systemClock } from '../adapters/system/clock.ts';
import type { PlatformDelivery } from '../jobs/notify.ts';
import type { Config } from './config.ts';
import type { Policy } from './core/domain/policy.ts';
import type { ChatPlatform } from './core/ports/chat.ts';
import type { Clock } from './core/ports/clock.ts';
import type { DirectoryLookup } from './core/ports/directory.ts';
import type { Logger } from './core/ports/logger.ts';
import type { Notifier } from './core/ports/notifier.ts';
import type { SignInLinks } from './core/ports/sign-in.ts';
import type { TenantOverview } from './core/ports/tenant-overview.ts';
import type { CoreDeps } from './core/usecases/deps.ts';
import { createDelegated, usesDelegatedMode, warnOfWritePermissions } from './delegated-mode.ts';
import { alertOnRefusals } from './integrity-alerts.ts';
import { Metrics, OutcomeCounter } from './metrics.ts';
import { FanOutNotifier } from './notifiers.ts';
import { onCallWiring } from './on-call.ts';
import { mountPlatforms } from './platforms.ts';
import type { PolicySource } from './policy-file.ts';
import { checkPolicyNames } from './policy-names.ts';
import { listen } from './port-check.ts';
import { createHttpServer, createMetricsServer } from './server.ts';
import { DRAIN, drainHttp, within } from './shutdown.ts';
import { contextsSet, signInWiring } from './sign-in.ts';
import { memoryStorage, redisStorage, type Storage } from './storage.ts';
import type { Workers } from './worker.ts';

export interface RunningApp {
  readonly url: string;
  /** With METRICS_PORT: where /metrics is served. */
  readonly metricsUrl?: string;
  readonly server: Server;
  readonly deps: CoreDeps;
  readonly storage: Storage['kind'];
  /** Resolves once this process's workers run (at once for PROCESS=web); rejects if they cannot start. */
  readonly workers: Promise<void>;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly config: Config;
  readonly policy: Policy;
  /** The policy file's text, so that a role name Entra does not know is shown at its line. */
  readonly policySource?: PolicySource;
  readonly log: Logger;
  readonly clock?: Clock;
  /** `memory` only for the sandbox without Redis: one process, nothing kept. */
  readonly storage?: Storage['kind'];
  /** More chat surfaces beside Slack and Teams (the sandbox console). */
  readonly surfaces?: readonly ChatSurface[];
  /** Listen on this address only (the sandbox: localhost); all interfaces by default. */
  readonly host?: string;
  /**
   * Start the job workers after the server's first answer and return without waiting for
   * them (`workers` tells when they run). The production entry does; tests and the sandbox
   * get them running when startApp returns.
   */
  readonly workersInBackground?: boolean;
}

/** What a surface is given to build its notifier before the core exists. */
export interface SurfaceParts {
  readonly directory: DirectoryLookup;
  readonly policy: () => Policy;
  readonly clock: Clock;
  readonly log: Logger;
  /** The requester's MFA sign-in links, when sign-in from chat is on. */
  readonly signInLinks?: SignInLinks;
}

/** A chat surface in this process (the console): told of changes directly, not by queue. */
export interface ChatSurface {
  notifier(parts: SurfaceParts): Notifier;
  routes(core: CoreDeps): ReadonlyMap<string, Handler>;
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, log } = options;
  const policy = () => options.policy;
  const clock = options.clock ?? systemClock;
  const metrics = new Metrics();
  if (options.storage === 'memory' && (config.slack || config.teams))
    throw new Error('Slack and Teams need Redis: memory storage is for the sandbox only');
  // Before storage opens: a policy naming an on-call service without its token stops here.
  const onCall = onCallWiring(config, options.policy, clock, log);
  const storage =
    options.storage === 'memory' ? memoryStorage() : await redisStorage(config, log, clock);
  const graph = await loadGraph(config, options.policy, log, metrics);
  const chat: ChatPlatform[] = [
    ...(config.slack ? (['slack'] as const) : []),
    ...(config.teams ? (['teams'] as const) : []),
  ];
  const queue =
    storage.kind === 'redis' && chat.length > 0 ? await notifyQueue(storage, chat) : null;
  let localUrl = '';
  const signIn = signInWiring(
    config,
    options.policy,
    storage.kind === 'redis'
      ? new RedisSignInStore(storage.redis, storage.prefix, storage.integrity, () => clock.now())
      : new MemorySignInStore(() => clock.now()),
    () => localUrl,
  );
  if (signIn && !config.sandbox && !contextsSet(options.policy))
    log.warn(
      'policy.yaml asks for MFA without mfa.authenticationContext: Entra leaves the amr claim out of v2.0 ID tokens, so such sign-ins cannot prove MFA and are refused. Set mfa.authenticationContext with a Conditional Access policy that requires MFA (README, "Sign-in from chat").',
    );
  const parts = {
    directory: graph.directory,
    policy,
    clock,
    log,
    ...(signIn ? { signInLinks: signIn.signIn.links } : {}),
  };
  const surfaces = options.surfaces ?? [];
  const core: CoreDeps = {
    store: storage.store,
    reviews: storage.reviews,
    audit: storage.audit,
    directory: graph.directory,
    privileges: graph.privileges,
    // Slack and Teams hear of changes through the notify queue; in-process surfaces directly.
    notifier: new FanOutNotifier(
      [
        new OutcomeCounter(metrics),
        ...(queue ? [queue.notifier] : []),
        ...surfaces.map((s) => s.notifier(parts)),
      ],
      log,
    ),
    scheduler: storage.scheduler,
    clock,
    ids: randomIds,
    policy,
    ...(signIn ? { signIn: signIn.signIn } : {}),
    ...(onCall ? { onCall } : {}),
    ...(graph.delegated ? { delegated: graph.delegated } : {}),
  };
  // A role name in policy.yaml that Entra does not know stops start-up here.
  const policyNames = await checkPolicyNames({
    policy: options.policy,
    ...(options.policySource ? { source: options.policySource } : {}),
    roles: () => graph.privileges.listRoles(),
    log,
    alert: (alert) => core.notifier.securityAlert(alert),
  }).catch(async (error: unknown) => {
    await queue?.close();
    await storage.close();
    throw error;
  });
  alertOnRefusals(storage.integrity, {
    metrics,
    notifier: core.notifier,
    log,
    now: () => clock.now(),
  });
  const routes = new Map<string, Handler>(signIn ? signIn.routes(() => core) : []);
  for (const surface of surfaces) for (const [r, h] of surface.routes(core)) routes.set(r, h);
  const platforms =
    storage.kind === 'redis'
      ? await mountPlatforms(config, {
          core,
          storage,
          log,
          routes,
          outbox: queue?.outbox ?? directOutbox,
        })
      : {
          deliveries: new Map<ChatPlatform, PlatformDelivery>(),
          start: async () => {},
          stop: async () => {},
        };
  await platforms.start();
  if (storage.kind === 'redis') {
    const { scheduler } = storage;
    metrics.queueDepth(
      async () => (await scheduler.depth()) + ((await queue?.notifier.depth()) ?? 0),
    );
  }

  const siem =
    options.policy.siem && config.siemSecret
      ? { url: options.policy.siem.url, secret: config.siemSecret }
      : undefined;
  if (options.policy.siem && !config.siemSecret)
    log.warn('policy.yaml names a SIEM but SIEM_SECRET is not set: audit events are not forwarded');
  // A worker process serves health, readiness and metrics only; chat arrives at web replicas.
  const server = createHttpServer({
    log,
    routes: config.process === 'worker' ? new Map() : routes,
    metrics,
    metricsElsewhere: config.metrics.port !== undefined,
    ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
    checks: [...storage.checks, policyNames.check],
  });
  const host = options.host ?? config.host;
  const metricsServer =
    config.metrics.port === undefined
      ? null
      : createMetricsServer({
          log,
          metrics,
          ...(config.metrics.token ? { token: config.metrics.token } : {}),
        });
  const listening = async () => {
    const port = await listen(server, config.port, host);
    const metricsPort = metricsServer
      ? await listen(metricsServer, config.metrics.port ?? 0, host)
      : null;
    return { port, metricsPort };
  };
  let workers: Workers | null = null;
  let closing = false;
  let workersStarted: Promise<void> = Promise.resolve();
  const stopAll = async () => {
    closing = true;
    policyNames.stop();
    // Workers still starting (Redis gone meanwhile, say) are not waited for past the drain.
    await within(
      workersStarted.catch(() => {}),
      DRAIN.jobsMs,
    );
    await Promise.all([
      drainHttp(server),
      ...(metricsServer ? [drainHttp(metricsServer)] : []),
      within(platforms.stop(), DRAIN.httpMs),
      workers?.close(DRAIN.jobsMs),
    ]);
    if (queue) await within(queue.close(), 500);
    await storage.close();
  };
  const { port, metricsPort } = await listening().catch(async (error: unknown) => {
    for (const s of [server, metricsServer]) s?.close();
    policyNames.stop();
    await platforms.stop();
    await queue?.close();
    await storage.close();
    throw error;
  });
  // The workers start once the server listens. With `workersInBackground` (the production
  // entry) they wait for its first answer (a readiness probe, as a rule) or a second, and
  // startApp does not wait for them: loading them is some 100 ms of CPU (BullMQ, the queues,
  // repeatable jobs, the first alerts scan) that the first answer need not wait for, and what
  // they run waits in Redis meanwhile. Otherwise startApp returns with them running.
  if (config.process !== 'web') {
    const background = options.workersInBackground === true;
    workersStarted = (background ? firstAnswer(server, WORKERS_AFTER_MS) : Promise.resolve())
      .then(() => import('./worker.ts'))
      .then(({ startWorkers }) =>
        startWorkers({
          core,
          storage,
          log,
          overview: graph.overview,
          deliveries: platforms.deliveries,
          ...(siem ? { siem } : {}),
        }),
      )
      .then(async (started) => {
        if (closing) await started.close(DRAIN.jobsMs);
        else workers = started;
      });
    // The caller sees the failure through `workers`; this only keeps it from going unhandled.
    workersStarted.catch(() => {});
    if (!background) {
      await workersStarted.catch(async (error: unknown) => {
        await stopAll();
        throw error;
      });
    }
  }
  if (!config.sandbox && !config.metrics.token && metricsPort === null)
    log.warn(
      '/metrics is open on PORT: set METRICS_PORT (a port the load balancer does not forward) or METRICS_TOKEN',
    );
  localUrl = `http://localhost:${port}`;
  return {
    url: `http://localhost:${port}`,
    ...(metricsPort === null ? {} : { metricsUrl: `http://localhost:${metricsPort}` }),
    server,
    deps: core,
    storage: storage.kind,
    workers: workersStarted,
    /** The drain of bot/shutdown.ts: HTTP and jobs wind down together, then Redis closes. */
    close: stopAll,
  };
}

/** The longest the workers wait for the server's first answer. */
const WORKERS_AFTER_MS = 1_000;

/** Resolves when the server has sent its first response, or after `ms`. */
function firstAnswer(server: Server, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    server.once('request', (_req: IncomingMessage, res: ServerResponse) =>
      res.once('finish', () => {
        clearTimeout(timer);
        setImmediate(resolve);
      }),
    );
  });
}

/** The notify queue and the outbox in front of every Slack and Teams send. */
async function notifyQueue(
  storage: Extract<Storage, { kind: 'redis' }>,
  chat: readonly ChatPlatform[],
) {
  const { NotifyQueue, notifyQueue: open } = await import('../jobs/notify-queue.ts');
  const { RedisOutbox } = await import('../adapters/redis/outbox.ts');
  const { rateLimitWait } = await import('../adapters/chat/outbox.ts');
  const queue = open(storage.queueConnection, storage.prefix);
  const notifier = new NotifyQueue(queue, chat, Date.now, storage.integrity);
  const outbox = new RedisOutbox({
    redis: storage.redis,
    prefix: storage.prefix,
    rateLimit: rateLimitWait,
    scheduleDigest: (platform, channel, at) => notifier.scheduleDigest(platform, channel, at),
  });
  return { notifier, outbox, close: () => queue.close() };
}

/**
 * Graph when Azure is configured (directory roles and PIM for Groups); the sandbox points it at
 * its simulated tenant. Each target kind goes to the provider that serves it.
 */
async function loadGraph(
  config: Config,
  policy: Policy,
  log: Logger,
  metrics: Metrics,
): Promise<
  Pick<CoreDeps, 'directory' | 'privileges' | 'delegated'> & { overview: TenantOverview }
> {
  if (!config.azure)
    throw new Error('Microsoft Graph is not configured: set AZURE_TENANT_ID and AZURE_CLIENT_ID');
  const { createGraph } = await import('../adapters/graph/index.ts');
  const graph = createGraph(config.azure, log, (status) => metrics.graphResponse(status));
  const scopes = policy.azure?.scopes ?? [];
  // Azure Resource Manager only where policy.yaml names scopes: nothing is loaded otherwise.
  const azure =
    scopes.length === 0
      ? null
      : (await import('../adapters/arm/index.ts')).createAzure(graph.credential, {
          ...(config.azure.armBaseUrl ? { baseUrl: config.azure.armBaseUrl } : {}),
          scopes,
          log,
        });
  const privileges = new PrivilegesByKind([
    { kinds: ['directory_role', 'group'], provider: graph.privileges },
    ...(azure ? [{ kinds: ['azure_role' as const], provider: azure.privileges }] : []),
  ]);
  const overview = new OverviewByKind(graph.overview, azure ? [azure.overview] : []);
  // Delegated mode: PIM's self-service calls with the requester's own token (read-only app).
  const delegated = usesDelegatedMode(policy)
    ? await createDelegated(config.azure.graphBaseUrl, azure?.client ?? null, log, graph.reader)
    : undefined;
  if (delegated)
    await warnOfWritePermissions(graph.credential, config.azure.graphBaseUrl, policy, log);
  return { ...graph, privileges, overview, ...(delegated ? { delegated } : {}) };
}
