/**
 * Teams, assembled: botbuilder's CloudAdapter fed by our HTTP server at POST /api/messages,
 * the bot, and the proactive notifier. Loaded only when Teams is configured. botbuilder is
 * retired (see README); everything botbuilder-specific stays in this folder.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter } from 'botbuilder';
import type { Policy } from '../../bot/core/domain/policy.ts';
import type { Outbox } from '../../bot/core/ports/chat.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import type { ConversationRefs } from '../chat/conversation-refs.ts';
import type { ExportLinks } from '../chat/export-links.ts';
import type { MessageRefs } from '../chat/message-refs.ts';
import { directOutbox } from '../chat/outbox.ts';
import { botAuthentication } from './auth.ts';
import { TeamsBot } from './bot.ts';
import { expressLike, readActivityRequest } from './http.ts';
import { TeamsNotifier, type TeamsNotifierOptions } from './notifier.ts';
import { TeamsCards } from './render.ts';
import type { TeamsSettings } from './settings.ts';

export interface TeamsParts {
  readonly refs: MessageRefs;
  readonly conversations: ConversationRefs;
  readonly policy: () => Policy;
  readonly directory: DirectoryLookup;
  readonly clock: Clock;
  readonly log: Logger;
  /** Pace, 429 and done-keys for every message out (the notify queue's); direct by default. */
  readonly outbox?: Outbox;
  readonly takeDigest?: TeamsNotifierOptions['takeDigest'];
  readonly exportLinks?: ExportLinks;
}

export function createTeams(config: TeamsSettings, parts: TeamsParts) {
  const log = parts.log.child({ platform: 'teams' });
  if (!config.appId) {
    log.warn(
      'TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts activities WITHOUT authentication. Never run this in production.',
    );
  }
  const adapter = new CloudAdapter(botAuthentication(config));
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error.message, activity: context.activity.type }, 'teams turn failed');
  };
  const cards = new TeamsCards(parts.clock, parts.policy);
  const notifier = new TeamsNotifier({
    adapter,
    appId: config.appId ?? '',
    ...(config.serviceUrl ? { serviceUrl: config.serviceUrl } : {}),
    ...(config.tenantId ? { tenantId: config.tenantId } : {}),
    refs: parts.refs,
    conversations: parts.conversations,
    directory: parts.directory,
    cards,
    policy: parts.policy,
    log,
    outbox: parts.outbox ?? directOutbox,
    ...(parts.takeDigest ? { takeDigest: parts.takeDigest } : {}),
  });
  let bot: TeamsBot | null = null;
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = await readActivityRequest(req);
    if (request === 'too_large') return void res.writeHead(413).end();
    if (request === 'bad_json') return void res.writeHead(400).end();
    if (!bot) return void res.writeHead(503).end();
    const running = bot;
    await adapter.process(request, expressLike(res), (context) => running.run(context));
  };
  return {
    notifier,
    route,
    async start(core: CoreDeps) {
      bot = new TeamsBot({
        core,
        conversations: parts.conversations,
        cards,
        log,
        ...(parts.exportLinks ? { exportLinks: parts.exportLinks } : {}),
      });
    },
  };
}
