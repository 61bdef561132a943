/**
 * The Microsoft Graph client: the SDK's own middleware (authentication, retry, redirect,
 * telemetry) with our limits, over kept-alive connections (`transport`). 429, 503 and 504
 * are retried honouring Retry-After, a few times and never for long; a longer wait, a hung
 * connection or retries running out make the call throw, and the job that made it retries
 * later: a request is delayed, never lost.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  type Context,
  type Middleware,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { type NodeFetch, nodeFetch } from '../http/node-fetch.ts';
import { retryAfterSeconds } from './errors.ts';
import { GraphStats } from './stats.ts';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com';

export interface GraphClientOptions {
  readonly baseUrl?: string;
  /** Retries of one call after 429/503/504 (the SDK allows at most 10). */
  readonly maxRetries?: number;
  /** Base of the exponential backoff when the service sends no Retry-After, seconds. */
  readonly retryDelaySeconds?: number;
  /** Longest Retry-After waited out inside a call; a longer one throws for the job to retry. */
  readonly maxWaitSeconds?: number;
  /** One HTTP attempt that takes longer is aborted (and thrown). */
  readonly attemptTimeoutMs?: number;
  readonly stats?: GraphStats;
}

/** A call is bounded: at most 3 waits of at most 8 s each, and 20 s for any one attempt. */
const DEFAULTS = {
  maxRetries: 3,
  retryDelaySeconds: 1,
  maxWaitSeconds: 8,
  attemptTimeoutMs: 20_000,
};

/**
 * An idle connection to Graph is kept this long: the re-checks and the activation after a
 * click find it open instead of paying new TLS handshakes (adapters/http/node-fetch.ts).
 * Shorter than the 60 s after which load balancers commonly drop an idle connection.
 */
const IDLE_MS = 50_000;

/**
 * The SDK's last middleware, in place of its HTTPMessageHandler (the global fetch): the
 * SDK's own requests (a URL and a JSON or empty body) go over kept connections, anything
 * else to fetch as before.
 */
function transport(send: NodeFetch): Middleware {
  return {
    async execute(context: Context) {
      const init = context.options ?? {};
      const body = init.body ?? undefined;
      context.response =
        typeof context.request === 'string' && (body === undefined || typeof body === 'string')
          ? await send(context.request, {
              method: init.method,
              headers: init.headers,
              body,
              signal: init.signal,
            })
          : await fetch(context.request, init);
    },
  };
}

/** Next to the network, so it sees every attempt (retries included) and bounds each one. */
function attempts(stats: GraphStats, timeoutMs: number): Middleware {
  let next: Middleware | undefined;
  return {
    async execute(context: Context) {
      const options = context.options ?? {};
      options.signal = AbortSignal.timeout(timeoutMs);
      context.options = options;
      const headers = (options.headers ?? {}) as Record<string, string>;
      const retry = headers['Retry-Attempt'] !== undefined;
      try {
        await next?.execute(context);
      } catch (error) {
        stats.record(null, retry);
        throw error;
      }
      stats.record(context.response?.status ?? null, retry);
    },
    setNext(middleware: Middleware) {
      next = middleware;
    },
  };
}

/**
 * One token request at a time: MSAL caches tokens but does not join concurrent cold requests,
 * so a burst at start-up would ask Entra once per call. Also counts failed sign-ins, which
 * happen before any Graph request and so pass no middleware.
 */
function sharedSignIn(credential: TokenCredential, stats: GraphStats): TokenCredential {
  const pending = new Map<string, Promise<AccessToken | null>>();
  return {
    getToken(scopes, options) {
      const key = [scopes].flat().join(' ');
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const token = credential
        .getToken(scopes, options)
        .catch((error: unknown) => {
          stats.signInFailed();
          throw error;
        })
        .finally(() => pending.delete(key));
      pending.set(key, token);
      return token;
    },
  };
}

export function createGraphClient(
  credential: TokenCredential,
  options: GraphClientOptions = {},
): Client {
  const o = { ...DEFAULTS, ...options };
  const stats = options.stats ?? new GraphStats();
  const baseUrl = (options.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
  const base = new URL(baseUrl);
  const scope = `${base.origin}/.default`;
  const auth = new AuthenticationHandler(
    new TokenCredentialAuthenticationProvider(sharedSignIn(credential, stats), { scopes: [scope] }),
  );
  const retry = new RetryHandler(
    new RetryHandlerOptions(o.retryDelaySeconds, o.maxRetries, (...args) => {
      const response = args[4];
      const wait = retryAfterSeconds(response.headers.get('retry-after'));
      return wait === null || wait <= o.maxWaitSeconds;
    }),
  );
  return Client.initWithMiddleware({
    middleware: [
      auth,
      retry,
      new RedirectHandler(),
      new TelemetryHandler(),
      attempts(stats, o.attemptTimeoutMs),
      transport(nodeFetch({ what: 'Microsoft Graph', idleMs: IDLE_MS })),
    ],
    baseUrl,
    defaultVersion: 'v1.0',
    // The SDK attaches the token only for Graph's own hosts and these.
    ...(base.hostname === 'graph.microsoft.com' ? {} : { customHosts: new Set([base.hostname]) }),
  });
}
