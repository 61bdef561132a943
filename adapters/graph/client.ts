/**
 * The Microsoft Graph client: the SDK's middleware chain with our retry settings. 429, 503
 * and 504 are retried honouring Retry-After, a few times and never for long; past that the
 * call throws and the job that made it retries later, so a request is delayed, not lost.
 */
import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  type Middleware,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';

const GRAPH = 'https://graph.microsoft.com';
/** Longest Retry-After we wait out inside one call; longer ones go back to the job queue. */
export const MAX_WAIT_SECONDS = 30;

export interface GraphClientOptions {
  readonly baseUrl?: string;
  readonly maxRetries?: number;
  /** Base delay between retries without Retry-After, seconds. */
  readonly retryDelay?: number;
  /** Told the status of every HTTP response Graph gives (retries included), for metrics. */
  readonly onResponse?: (status: number) => void;
}

/** Sits next to the network so it sees every attempt, retries included. */
function counting(onResponse: (status: number) => void): Middleware {
  let next: Middleware | undefined;
  return {
    async execute(context) {
      await next?.execute(context);
      if (context.response) onResponse(context.response.status);
    },
    setNext(middleware) {
      next = middleware;
    },
  };
}

export function createGraphClient(
  credential: TokenCredential,
  options: GraphClientOptions = {},
): Client {
  const base = (options.baseUrl ?? GRAPH).replace(/\/+$/, '');
  const host = new URL(base).hostname;
  const auth = new AuthenticationHandler(
    new TokenCredentialAuthenticationProvider(credential, { scopes: [`${GRAPH}/.default`] }),
  );
  const retry = new RetryHandler(
    new RetryHandlerOptions(
      options.retryDelay ?? 1,
      options.maxRetries ?? 3,
      (_delay, _attempt, _request, _options, response) => {
        const after = Number(response.headers.get('Retry-After') ?? 0);
        return Number.isNaN(after) || after <= MAX_WAIT_SECONDS;
      },
    ),
  );
  const redirect = new RedirectHandler();
  auth.setNext(retry);
  retry.setNext(redirect);
  const network = new HTTPMessageHandler();
  if (options.onResponse) {
    const count = counting(options.onResponse);
    redirect.setNext(count);
    count.setNext?.(network);
  } else {
    redirect.setNext(network);
  }
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${base}/`,
    defaultVersion: 'v1.0',
    ...(host === 'graph.microsoft.com' ? {} : { customHosts: new Set([host]) }),
  });
}
