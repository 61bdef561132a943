/**
 * Slack and Teams, each built on the finished core when configured (and only then imported),
 * with their routes mounted and their deliveries handed to the notify queue's workers.
 */
import { EXPORT_PATH, ExportLinks, exportLinkRoute } from '../adapters/chat/export-links.ts';
import type { Handler } from '../adapters/http/route.ts';
import { RedisConversationRefs } from '../adapters/redis/conversation-refs.ts';
import { RedisIdentityCache } from '../adapters/redis/identity-cache.ts';
import { RedisOutbox } from '../adapters/redis/outbox.ts';
import { RedisReplayGuard } from '../adapters/redis/replay-guard.ts';
import { sharedKey } from '../adapters/redis/shared-key.ts';
import { RedisUsedLinks } from '../adapters/redis/used-links.ts';
import type { PlatformDelivery } from '../jobs/notify.ts';
import type { Config } from './config.ts';
import type { ChatPlatform, Outbox } from './core/ports/chat.ts';
import type { Logger } from './core/ports/logger.ts';
import type { CoreDeps } from './core/usecases/deps.ts';
import type { RedisStorage } from './storage.ts';

export interface PlatformContext {
  readonly core: CoreDeps;
  readonly storage: RedisStorage;
  readonly log: Logger;
  /** Routes of the one HTTP server; platforms add theirs. */
  readonly routes: Map<string, Handler>;
  readonly outbox: Outbox;
}

export interface Platforms {
  readonly deliveries: ReadonlyMap<ChatPlatform, PlatformDelivery>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function mountPlatforms(config: Config, c: PlatformContext): Promise<Platforms> {
  const { core, storage, log } = c;
  const { redis, prefix } = storage;
  const deliveries = new Map<ChatPlatform, PlatformDelivery>();
  const digests = c.outbox instanceof RedisOutbox ? c.outbox : null;
  const takeDigest = (platform: ChatPlatform) =>
    digests ? { takeDigest: (channel: string) => digests.takeDigest(platform, channel) } : {};
  const starters: (() => Promise<void>)[] = [];
  const stoppers: (() => Promise<void>)[] = [];

  if (config.slack) {
    const { createSlack } = await import('../adapters/slack/index.ts');
    const slack = createSlack(config.slack, {
      core,
      refs: storage.refs,
      identityCache: new RedisIdentityCache(redis, prefix, storage.integrity),
      replayGuard: new RedisReplayGuard(redis, prefix),
      log,
      outbox: c.outbox,
      ...takeDigest('slack'),
    });
    deliveries.set('slack', slack.notifier);
    if (slack.route) c.routes.set('POST /slack/events', slack.route);
    starters.push(() => slack.start());
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
      c.routes.set(
        `GET ${EXPORT_PATH}`,
        exportLinkRoute(exportLinks, () => core),
      );
    const teams = createTeams(config.teams, {
      core,
      refs: storage.refs,
      conversations: new RedisConversationRefs(redis, prefix, storage.integrity),
      log,
      outbox: c.outbox,
      ...takeDigest('teams'),
      ...(exportLinks ? { exportLinks } : {}),
    });
    deliveries.set('teams', teams.notifier);
    c.routes.set('POST /api/messages', teams.route);
  }

  return {
    deliveries,
    async start() {
      for (const start of starters) await start();
    },
    async stop() {
      for (const stop of stoppers) await stop();
    },
  };
}
