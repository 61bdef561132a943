/**
 * Teams, assembled: botbuilder's CloudAdapter fed by our HTTP server at POST /api/messages,
 * the bot, and the proactive notifier. Loaded only when Teams is configured. botbuilder is
 * retired (see README); everything botbuilder-specific stays in this folder.
 *
 * The SDK itself (sdk.ts) is loaded on the first activity in or the first message out, once
 * for every caller; the settings are checked here at start without it, so a bot that could
 * not authenticate still refuses to start.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import type { TeamsBotDeps } from './bot.ts';
import { expressLike, readActivityRequest } from './http.ts';
import { TeamsMessenger } from './messenger.ts';
import type { TeamsSdk } from './sdk.ts';
import { type TeamsSettings, teamsSettingsProblem } from './settings.ts';

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

/**
 * Whether this process has loaded the Teams SDK; the log line `teams SDK loaded` says when, and
 * how long the load took.
 */
let sdkLoaded = false;
export const teamsSdkLoaded = (): boolean => sdkLoaded;

export function createTeams(config: TeamsSettings, parts: TeamsParts) {
  const { core } = parts;
  const log = parts.log.child({ platform: 'teams' });
  const problem = teamsSettingsProblem(config);
  if (problem) throw new Error(problem);
  if (!config.appId) {
    log.warn(
      'TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts activities WITHOUT authentication. Never run this in production.',
    );
  }
  // Every card, posted or answered to a clicker, refreshes for all current approvers.
  const approverIds = new TeamsApproverIds({
    directory: core.directory,
    personalChats: (request) => notifier.approverChats(request),
    channelMembers: () => messenger.approvalsMembers(),
    now: () => core.clock.now(),
    log,
  });
  const cards = new AdaptiveCards(core.clock, core.policy, (request) => approverIds.of(request));
  let loading: Promise<TeamsSdk> | undefined;
  /** One load for all: concurrent first activities and deliveries wait for the same import. */
  const sdk = (): Promise<TeamsSdk> => {
    loading ??= loadSdk(config, log, {
      core,
      conversations: parts.conversations,
      cards,
      log,
      ...(parts.exportLinks ? { exportLinks: parts.exportLinks } : {}),
    }).catch((error: unknown) => {
      // The next activity tries again; each failure is logged as it happens.
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const messenger = new TeamsMessenger({
    adapter: async () => (await sdk()).adapter,
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
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = await readActivityRequest(req);
    if (request === 'too_large') return void res.writeHead(413).end();
    if (request === 'bad_json')
      return json(res, 400, { error: 'the body must be a Bot Framework activity (JSON object)' });
    if ('notActivity' in request)
      return json(res, 400, { error: `not a Bot Framework activity: ${request.notActivity}` });
    let loaded: TeamsSdk;
    try {
      loaded = await sdk();
    } catch {
      // Teams retries a 503; the cause is logged by loadSdk.
      return json(res, 503, { error: 'the Teams endpoint is not available' });
    }
    await loaded.adapter.process(request, expressLike(res), (context) => loaded.bot.run(context));
  };
  return { notifier, route };
}

async function loadSdk(
  config: TeamsSettings,
  log: Logger,
  botDeps: TeamsBotDeps,
): Promise<TeamsSdk> {
  const started = performance.now();
  try {
    const { assembleTeamsSdk } = await import('./sdk.ts');
    const sdk = assembleTeamsSdk(config, log, botDeps);
    sdkLoaded = true;
    log.info({ ms: Math.round(performance.now() - started) }, 'teams SDK loaded');
    return sdk;
  } catch (error) {
    log.error(
      { err: error instanceof Error ? error.message : String(error) },
      'the Teams SDK (botbuilder) could not be loaded: Teams activities are answered 503 and messages to Teams fail. Reinstall the dependencies (npm ci) or rebuild the image.',
    );
    throw error;
  }
}
