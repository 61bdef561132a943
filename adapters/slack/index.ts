/**
 * Slack, assembled: Bolt's App on an HTTPReceiver that our one HTTP server feeds at
 * POST /slack/events (or Socket Mode with SLACK_APP_TOKEN), the Web API client pointed at
 * SLACK_API_URL, the identity mapping and the notifier. Loaded only when Slack is configured.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Config } from '../../bot/config.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import type { Logger } from '../../bot/log.ts';
import type { IdentityCache } from '../chat/identity-cache.ts';
import type { MessageRefs } from '../chat/message-refs.ts';
import { directOutbox, type Outbox } from '../chat/outbox.ts';
import type { ReplayGuard } from '../chat/replay-guard.ts';
import { registerHandlers } from './handlers.ts';
import { SlackIdentity } from './identity.ts';
import { slackInbound } from './inbound.ts';
import { boltLogger } from './logger.ts';
import { SlackNotifier, type SlackNotifierOptions } from './notifier.ts';

export interface SlackParts {
  readonly refs: MessageRefs;
  readonly identityCache: IdentityCache;
  readonly replayGuard: ReplayGuard;
  readonly policy: () => Policy;
  readonly directory: DirectoryLookup;
  readonly clock: Clock;
  readonly log: Logger;
  /** Pace, 429 and done-keys for every message out (the notify queue's); direct by default. */
  readonly outbox?: Outbox;
  readonly takeDigest?: SlackNotifierOptions['takeDigest'];
}

export interface Slack {
  readonly notifier: SlackNotifier;
  /** The POST /slack/events route; null in Socket Mode. */
  readonly route:
    | ((req: IncomingMessage, res: ServerResponse, log: Logger) => Promise<void>)
    | null;
  /** Wires the handlers to the core; call once the core dependencies exist. */
  start(core: CoreDeps): Promise<void>;
  stop(): Promise<void>;
}

export function createSlack(config: NonNullable<Config['slack']>, parts: SlackParts): Slack {
  const logger = boltLogger(parts.log.child({ platform: 'slack' }));
  const clientOptions = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
  const socket = config.appToken !== undefined && config.signingSecret === undefined;
  const receiver = socket
    ? new SocketModeReceiver({ appToken: config.appToken ?? '', logger })
    : new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        logger,
        unhandledRequestTimeoutMillis: 2_500,
      });
  const app = new App({
    token: config.botToken,
    receiver,
    logger,
    logLevel: LogLevel.INFO,
    clientOptions,
    deferInitialization: true,
  });
  const identity = new SlackIdentity(
    app.client,
    parts.directory,
    parts.identityCache,
    () => parts.policy().identities,
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
  const notifier = new SlackNotifier({
    client: outbound,
    outbox: parts.outbox ?? directOutbox,
    ...(parts.takeDigest ? { takeDigest: parts.takeDigest } : {}),
    refs: parts.refs,
    identity,
    policy: parts.policy,
    clock: parts.clock,
    log: parts.log,
  });
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
    async start(core) {
      registerHandlers(app, { core, identity, log: parts.log });
      await app.init();
      if (socket) await app.start();
    },
    async stop() {
      if (socket) await app.stop();
    },
  };
}
