/**
 * Slack, assembled: Bolt's App on an HTTPReceiver that our one HTTP server feeds at
 * POST /slack/events (or Socket Mode with SLACK_APP_TOKEN), the Web API client pointed at
 * SLACK_API_URL, the identity mapping and the notifier. Loaded only when Slack is configured.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Outbox } from '../../bot/core/ports/chat.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { ReplayGuard } from '../../bot/core/ports/replay-guard.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import type { SlackMessage } from '../../cards/slack/index.ts';
import type { IdentityCache } from '../chat/identity-cache.ts';
import { ChatNotifier, type TakeDigest } from '../chat/lifecycle.ts';
import type { MessageRefs } from '../chat/message-refs.ts';
import { directOutbox } from '../chat/outbox.ts';
import { registerHandlers } from './handlers.ts';
import { SlackIdentity } from './identity.ts';
import { slackInbound } from './inbound.ts';
import { boltLogger } from './logger.ts';
import { SlackMentions } from './mentions.ts';
import { SlackMessenger } from './messenger.ts';
import { respondFetch } from './respond-post.ts';
import type { SlackSettings } from './settings.ts';

export interface SlackParts {
  /** The core, built first: Slack's handlers and notifier are wired to it at construction. */
  readonly core: CoreDeps;
  readonly refs: MessageRefs;
  readonly identityCache: IdentityCache;
  readonly replayGuard: ReplayGuard;
  readonly log: Logger;
  /** Pace, 429 and done-keys for every message out (the notify queue's); direct by default. */
  readonly outbox?: Outbox;
  readonly takeDigest?: TakeDigest;
}

export interface Slack {
  readonly notifier: ChatNotifier<SlackMessage>;
  /** The POST /slack/events route; null in Socket Mode. */
  readonly route:
    | ((req: IncomingMessage, res: ServerResponse, log: Logger) => Promise<void>)
    | null;
  /** Initialises Bolt (and connects in Socket Mode). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlack(config: SlackSettings, parts: SlackParts): Slack {
  const { core } = parts;
  const logger = boltLogger(parts.log.child({ platform: 'slack' }));
  const clientOptions = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
  const socket = config.appToken !== undefined && config.signingSecret === undefined;
  const receiver = socket
    ? new SocketModeReceiver({ appToken: config.appToken ?? '', logger })
    : new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        logger,
        unhandledRequestTimeoutMillis: 2_500,
        // Requests reach the receiver only through slackInbound (inbound.ts), which has just
        // checked the same signature, window and replay: checking again (three HMACs and a
        // second parse) only lengthened the path before the ack.
        signatureVerification: false,
      });
  const app = new App({
    token: config.botToken,
    receiver,
    logger,
    logLevel: LogLevel.INFO,
    // Bolt's respond() posts with this fetch (respond-post.ts); the Web API client keeps the
    // global one (its calls do not match respond's shape).
    clientOptions: { ...clientOptions, fetch: respondFetch(globalThis.fetch) },
    deferInitialization: true,
    // Bolt's conversation store (context.conversation) is unused here; on every request it
    // built an Error for "Conversation not found", stack trace and all.
    convoStore: false,
  });
  const identity = new SlackIdentity(
    app.client,
    core.directory,
    parts.identityCache,
    () => core.policy().identities,
    parts.log.child({ platform: 'slack' }),
  );
  // Outbound messages get their own client that reports a 429 instead of sleeping through
  // it, so the notify queue can honour Retry-After without holding a worker.
  const outbound = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    logger,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1_000 },
  });
  const notifier = new ChatNotifier({
    messenger: new SlackMessenger({
      client: outbound,
      identity,
      policy: core.policy,
      clock: core.clock,
    }),
    outbox: parts.outbox ?? directOutbox,
    ...(parts.takeDigest ? { takeDigest: parts.takeDigest } : {}),
    refs: parts.refs,
    directory: core.directory,
    ...(core.signIn ? { signInLinks: core.signIn.links } : {}),
    policy: core.policy,
    clock: core.clock,
    log: parts.log,
  });
  // users.list is Tier 2: a 429 answers the person at once rather than sleeping on it.
  const mentions = new SlackMentions(outbound, identity, core.directory);
  registerHandlers(app, { core, identity, mentions, log: parts.log });
  const route =
    receiver instanceof HTTPReceiver
      ? slackInbound({
          signingSecret: config.signingSecret ?? '',
          replayGuard: parts.replayGuard,
          next: receiver.requestListener,
        })
      : null;
  return {
    notifier,
    route,
    async start() {
      await app.init();
      if (socket) await app.start();
    },
    async stop() {
      if (socket) await app.stop();
    },
  };
}
