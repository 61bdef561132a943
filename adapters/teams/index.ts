/**
 * Teams, assembled: botbuilder's CloudAdapter fed by our HTTP server at POST /api/messages,
 * the bot, and the proactive notifier. Loaded only when Teams is configured. botbuilder is
 * retired (see README); everything botbuilder-specific stays in this folder.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter } from 'botbuilder';
import type { Outbox } from '../../bot/core/ports/chat.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { AdaptiveCards } from '../chat/adaptive/cards.ts';
import type { ConversationRefs } from '../chat/conversation-refs.ts';
import type { ExportLinks } from '../chat/export-links.ts';
import { ChatNotifier, type TakeDigest } from '../chat/lifecycle.ts';
import type { MessageRefs } from '../chat/message-refs.ts';
import { directOutbox } from '../chat/outbox.ts';
import { json } from '../http/route.ts';
import { TeamsApproverIds } from './approver-ids.ts';
import { botAuthentication } from './auth.ts';
import { TeamsBot } from './bot.ts';
import { expressLike, readActivityRequest } from './http.ts';
import { TeamsMessenger } from './messenger.ts';
import type { TeamsSettings } from './settings.ts';

export interface TeamsParts {
  /** The core, built first: the bot and the notifier are wired to it at construction. */
  readonly core: CoreDeps;
  readonly refs: MessageRefs;
  readonly conversations: ConversationRefs;
  readonly log: Logger;
  /** Pace, 429 and done-keys for every message out (the notify queue's); direct by default. */
  readonly outbox?: Outbox;
  readonly takeDigest?: TakeDigest;
  readonly exportLinks?: ExportLinks;
}

export function createTeams(config: TeamsSettings, parts: TeamsParts) {
  const { core } = parts;
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
  // Every card, posted or answered to a clicker, refreshes for all current approvers.
  const approverIds = new TeamsApproverIds({
    directory: core.directory,
    personalChats: (request) => notifier.approverChats(request),
    channelMembers: () => messenger.approvalsMembers(),
    now: () => core.clock.now(),
    log,
  });
  const cards = new AdaptiveCards(core.clock, core.policy, (request) => approverIds.of(request));
  const messenger = new TeamsMessenger({
    adapter,
    appId: config.appId ?? '',
    ...(config.serviceUrl ? { serviceUrl: config.serviceUrl } : {}),
    ...(config.tenantId ? { tenantId: config.tenantId } : {}),
    conversations: parts.conversations,
    cards,
    policy: core.policy,
    clock: core.clock,
  });
  const notifier = new ChatNotifier({
    messenger,
    refs: parts.refs,
    directory: core.directory,
    ...(core.signIn ? { signInLinks: core.signIn.links } : {}),
    policy: core.policy,
    clock: core.clock,
    log,
    outbox: parts.outbox ?? directOutbox,
    ...(parts.takeDigest ? { takeDigest: parts.takeDigest } : {}),
  });
  const bot = new TeamsBot({
    core,
    conversations: parts.conversations,
    cards,
    log,
    ...(parts.exportLinks ? { exportLinks: parts.exportLinks } : {}),
  });
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = await readActivityRequest(req);
    if (request === 'too_large') return void res.writeHead(413).end();
    if (request === 'bad_json')
      return json(res, 400, { error: 'the body must be a Bot Framework activity (JSON object)' });
    if ('notActivity' in request)
      return json(res, 400, { error: `not a Bot Framework activity: ${request.notActivity}` });
    await adapter.process(request, expressLike(res), (context) => bot.run(context));
  };
  return { notifier, route };
}
