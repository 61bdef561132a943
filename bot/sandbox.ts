/**
 * The sandbox: `npm start` with no Slack, Teams or Azure credentials. A simulated tenant is
 * served over HTTPS on 127.0.0.1 (a CA made at start and trusted by this process only) and
 * reached through the real Graph adapter; the console at http://localhost:PORT/ is a chat
 * surface like Slack and Teams. With Redis reachable the bot runs exactly as in production
 * (BullMQ workers, maintenance jobs) under its own key prefix; without, on the in-memory
 * adapters and an in-process timer loop, and the console says so.
 */
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { Redis } from 'ioredis';
import { AdaptiveCards } from '../adapters/chat/adaptive/cards.ts';
import { ChatNotifier } from '../adapters/chat/lifecycle.ts';
import { MemoryMessageRefs } from '../adapters/chat/message-refs.ts';
import { directOutbox } from '../adapters/chat/outbox.ts';
import { consoleRoutes } from '../adapters/console/console-routes.ts';
import { Feed } from '../adapters/console/feed.ts';
import { ConsoleMessenger } from '../adapters/console/messenger.ts';
import {
  type EntraSim as GraphStandIn,
  startEntraSim as startGraphStandIn,
} from '../adapters/entra-sim/index.ts';
import { makeLocalTls } from '../adapters/entra-sim/local-tls.ts';
import { seedTenant } from '../adapters/entra-sim/sandbox-world.ts';
import { startSandboxPagerDuty } from '../adapters/oncall/sandbox-pagerduty.ts';
import { systemClock } from '../adapters/system/clock.ts';
import { type ChatSurface, startApp } from './app.ts';
import { type Config, ConfigError, maskUserinfo } from './config.ts';
import type { Policy } from './core/domain/policy.ts';
import type { Logger } from './core/ports/logger.ts';
import type { CoreDeps } from './core/usecases/deps.ts';
import { loadPolicy } from './policy-file.ts';

export const SANDBOX_POLICY = new URL('../adapters/sandbox/policy.yaml', import.meta.url).pathname;
export const SANDBOX_PREFIX = 'elevate-sandbox';

export interface Sandbox {
  readonly url: string;
  readonly storage: 'redis' | 'memory';
  readonly tenant: GraphStandIn;
  readonly deps: CoreDeps;
  close(): Promise<void>;
}

export interface SandboxOptions {
  readonly config: Config;
  readonly log: Logger;
  /** Defaults to the sandbox's own policy, with demo-sized durations. */
  readonly policy?: Policy;
  /** Key prefix in Redis, cleared at start (default REDIS_PREFIX when set, else `elevate-sandbox`). */
  readonly prefix?: string;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { log } = options;
  const fromEnv = options.prefix === undefined && options.config.redis.prefixSet === true;
  const prefix = options.prefix ?? (fromEnv ? options.config.redis.prefix : SANDBOX_PREFIX);
  const policy = options.policy ?? loadPolicy(SANDBOX_POLICY);
  const tls = await makeLocalTls('elevate sandbox CA', 30);
  setDefaultCACertificates([
    ...getCACertificates('default'),
    ...getCACertificates('extra'),
    tls.ca,
  ]);
  const tenant = await startGraphStandIn({ tls, plainSignInPage: true, arm: true });
  seedTenant(tenant, Date.now());
  // On-call approval is shown against a simulated PagerDuty, unless a real token is set.
  const pagerDuty = options.config.onCall.pagerduty ? null : await startSandboxPagerDuty();
  const closeSims = async () => {
    await tenant.close();
    await pagerDuty?.close();
  };
  const config: Config = {
    ...options.config,
    onCall: {
      ...options.config.onCall,
      ...(pagerDuty ? { pagerduty: { token: pagerDuty.token, baseUrl: pagerDuty.baseUrl } } : {}),
    },
    azure: {
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      authorityHost: tenant.authorityHost,
      graphBaseUrl: tenant.graphBaseUrl,
      ...(tenant.armBaseUrl ? { armBaseUrl: tenant.armBaseUrl } : {}),
    },
    redis: { ...options.config.redis, prefix },
  };
  const redis = await reachableRedis(config.redis.url);
  const storage = redis ? 'redis' : 'memory';
  if (!redis && config.teams) {
    await closeSims();
    throw new ConfigError(
      `TEAMS_ALLOW_UNAUTHENTICATED=true needs Redis, and there is none at ${maskUserinfo(config.redis.url)}. Start Redis (or set REDIS_URL), or unset it for the console alone.`,
    );
  }
  const banner = redis
    ? null
    : `No Redis at ${maskUserinfo(config.redis.url)}: requests, audit trail and timers are kept in memory and lost when the sandbox stops. Start Redis to run on the production storage.`;
  try {
    if (redis) await clearSandboxKeys(redis, prefix, log, fromEnv);
  } finally {
    redis?.disconnect();
  }

  const feed = new Feed();
  const cards = new AdaptiveCards(systemClock, () => policy);
  const surface: ChatSurface = {
    notifier: (parts) =>
      new ChatNotifier({
        messenger: new ConsoleMessenger(feed, cards, parts.policy, parts.clock),
        refs: new MemoryMessageRefs(),
        outbox: directOutbox,
        ...parts,
      }),
    routes: (core: CoreDeps) => consoleRoutes({ feed, cards, core: () => core, banner }),
  };
  const app = await startApp({
    config,
    policy,
    log,
    storage,
    surfaces: [surface],
    host: '127.0.0.1',
  }).catch(async (error: unknown) => {
    await closeSims();
    throw error;
  });
  const url = app.url;
  log.info(
    { url, storage },
    `elevate sandbox on ${url}/ — no Slack, Teams or Azure credentials set, so the tenant is simulated`,
  );
  if (banner) log.warn(banner);
  return {
    url,
    storage,
    tenant,
    deps: app.deps,
    async close() {
      await app.close();
      await closeSims();
    },
  };
}

async function reachableRedis(url: string): Promise<Redis | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}

/**
 * The simulated tenant is new on every start, so yesterday's sandbox requests would not match
 * it. A prefix the sandbox did not choose itself (REDIS_PREFIX) is cleared only when it is
 * empty or marked as a sandbox's, so pointing the sandbox at a production prefix wipes nothing.
 */
async function clearSandboxKeys(
  redis: Redis,
  prefix: string,
  log: Logger,
  chosen: boolean,
): Promise<void> {
  const marker = `${prefix}:sandbox`;
  if (chosen && !(await redis.exists(marker)) && (await holdsKeys(redis, prefix))) {
    throw new ConfigError(
      `REDIS_PREFIX=${prefix} holds data that is not a sandbox's, and the sandbox clears its prefix at start: pick another REDIS_PREFIX, or unset it for the sandbox's own (${SANDBOX_PREFIX})`,
    );
  }
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.set(marker, 'elevate sandbox: this prefix is cleared at every sandbox start');
  if (removed > 0) log.info({ removed, prefix }, 'cleared the previous sandbox run');
}

async function holdsKeys(redis: Redis, prefix: string): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}
