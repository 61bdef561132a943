/**
 * Bot Connector stand-in: the `serviceUrl` REST API Teams offers a bot, on 127.0.0.1 over HTTP
 * (botframework-connector allows an http serviceUrl). With an app id it also plays the bot's
 * token endpoint and requires `Authorization: Bearer <token it issued>` on every call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ConnectorLogin } from './connector-login.ts';
import { conversationSegments, routeConnector, unknownRoute } from './connector-routes.ts';
import { ConnectorState } from './connector-state.ts';
import type {
  MemberInput,
  RecordedCall,
  RouteResult,
  StoredActivity,
  StoredConversation,
  TokenRequest,
} from './connector-types.ts';
import { closeServer, errorBody, listen, parseJson, readBody, sendJson } from './http-util.ts';

export interface BotConnectorOptions {
  /** Defaults to true when `appId` is given. Without auth, any Authorization (or none) passes. */
  requireAuth?: boolean;
  /** The bot's Microsoft App ID: the only client_id the token endpoint serves. */
  appId?: string;
  /** When set, the token endpoint also checks the client secret. */
  appPassword?: string;
}

export interface BotConnectorStandIn {
  /** e.g. `http://127.0.0.1:4321/`, with the trailing slash Teams puts in activities. */
  readonly serviceUrl: string;
  /**
   * The bot's ToChannelFromBotLoginUrl (`https://localhost:<port>/botframework.com`, TLS from
   * test/support/tls.ts because MSAL refuses a non-https authority); undefined without app id.
   */
  readonly loginUrl: string | undefined;
  addMember(conversationId: string, member: MemberInput): void;
  /** Next calls into the conversation answer 403 BotNotInConversationRoster (app removed). */
  uninstall(conversationId: string): void;
  readonly conversations: readonly StoredConversation[];
  readonly activities: readonly StoredActivity[];
  activitiesIn(conversationId: string): readonly StoredActivity[];
  readonly calls: readonly RecordedCall[];
  readonly tokenRequests: readonly TokenRequest[];
  /** Access tokens the token endpoint issued, oldest first. */
  readonly issuedTokens: readonly string[];
  /** The next `count` REST calls answer 429 with `Retry-After: retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds: number): void;
  /** Forgets conversations, activities, members, calls and pending throttling (tokens stay valid). */
  clear(): void;
  close(): Promise<void>;
}

export async function startBotConnectorStandIn(
  options: BotConnectorOptions = {},
): Promise<BotConnectorStandIn> {
  const requireAuth = options.requireAuth ?? options.appId !== undefined;
  if (requireAuth && !options.appId) throw new Error('requireAuth needs the bot appId');
  const login = options.appId
    ? new ConnectorLogin({
        appId: options.appId,
        ...(options.appPassword === undefined ? {} : { appPassword: options.appPassword }),
      })
    : undefined;
  const state = new ConnectorState();
  const calls: RecordedCall[] = [];
  const throttling = { remaining: 0, retryAfterSeconds: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse, origin: string) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', origin);
    const text = await readBody(req);
    const loginResult = login?.route(method, url.pathname, text, origin);
    if (loginResult) return sendJson(res, loginResult.status, loginResult.body);

    const body = parseJson(text);
    const auth = req.headers.authorization ?? null;
    const segments = conversationSegments(url.pathname);
    let result: RouteResult;
    const headers: Record<string, string> = {};
    if (requireAuth && !login?.accepts(auth)) {
      result = {
        status: 401,
        body: errorBody('Unauthorized', 'Authorization has been denied for this request.'),
      };
    } else if (throttling.remaining > 0) {
      throttling.remaining -= 1;
      headers['retry-after'] = String(throttling.retryAfterSeconds);
      result = { status: 429, body: errorBody('TooManyRequests', 'Too many requests') };
    } else {
      result = segments ? routeConnector(state, method, segments, body) : unknownRoute();
    }
    calls.push({
      method,
      path: segments ? `/v3/conversations/${segments.join('/')}`.replace(/\/$/, '') : url.pathname,
      body,
      auth,
      status: result.status,
      at: Date.now(),
    });
    sendJson(res, result.status, result.body, headers);
  };

  const server = createServer((req, res) => {
    handle(req, res, origin).catch((err: unknown) => {
      sendJson(res, 500, errorBody('ServiceError', String(err)));
    });
  });
  const port = await listen(server, '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  // Imported on demand: only bots with an app id need TLS (and so the test CA).
  const loginServer = login
    ? await (await import('./login-server.ts')).startLoginServer((req, res, loginOrigin) =>
        handle(req, res, loginOrigin),
      )
    : undefined;

  return {
    serviceUrl: `${origin}/`,
    loginUrl: loginServer ? `${loginServer.origin}/botframework.com` : undefined,
    addMember: (conversationId, member) => state.addMember(conversationId, member),
    uninstall: (conversationId) => state.uninstall(conversationId),
    get conversations() {
      return [...state.conversations.values()];
    },
    get activities() {
      return state.activities;
    },
    activitiesIn: (conversationId) => state.conversations.get(conversationId)?.activities ?? [],
    calls,
    get tokenRequests() {
      return login?.requests ?? [];
    },
    get issuedTokens() {
      return login?.tokens ?? [];
    },
    throttle(count, retryAfterSeconds) {
      throttling.remaining = count;
      throttling.retryAfterSeconds = retryAfterSeconds;
    },
    clear() {
      state.clear();
      calls.length = 0;
      throttling.remaining = 0;
    },
    async close() {
      await Promise.all([closeServer(server), loginServer?.close()]);
    },
  };
}
