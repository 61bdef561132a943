/**
 * A fetch on node:http(s) with kept-alive connections, for the bot's hot outbound calls
 * (Slack's `response_url`, Microsoft Graph). Two reasons not to use the global fetch
 * (undici) there: its web streams cost about a fifth of the bot's CPU per `/elevate` under
 * load, and it closes a connection idle for 4 s, so each approval after a pause paid new TLS
 * handshakes to Graph before the first re-check (DESIGN.md "Performance",
 * docs/benchmarks.md).
 *
 * It takes what those callers send: a string URL, a string body or none, an abort signal.
 * A connection the server closed while it sat idle fails a request that reuses it with
 * ECONNRESET before any answer; a GET or HEAD is then sent once more on a new connection
 * (Node's documented pattern, `request.reusedSocket`). Anything else fails as it would with
 * fetch, for the caller's retry.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface NodeFetchOptions {
  /** An idle kept connection is closed after this long, or sooner if the server says so. */
  readonly idleMs: number;
  /** A request with no answer this long fails; none: only the caller's signal ends it. */
  readonly timeoutMs?: number;
  readonly maxSockets?: number;
  /** Named in errors: "`what` timed out". */
  readonly what: string;
}

export interface NodeFetchInit {
  readonly method?: string | undefined;
  readonly headers?: RequestInit['headers'];
  readonly body?: string | null | undefined;
  readonly signal?: AbortSignal | null | undefined;
}

export type NodeFetch = (url: string, init?: NodeFetchInit) => Promise<Response>;

/** Reset on a reused connection: the server closed it idle, so nothing was done. */
const STALE = new Set(['ECONNRESET', 'EPIPE']);
const IDEMPOTENT = new Set(['GET', 'HEAD']);

export function nodeFetch(options: NodeFetchOptions): NodeFetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  // The agents' `timeout` is the idle socket's: Node closes a free socket after it.
  const agents = {
    http: new HttpAgent({ ...agentOptions, timeout: options.idleMs }),
    https: new HttpsAgent({ ...agentOptions, timeout: options.idleMs }),
  };
  return async (url, init = {}) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:')
      throw new TypeError(`${options.what} is not http(s): ${target.protocol}`);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(new Headers(init.headers));
    const body = init.body ?? undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const attempt = () =>
      send({
        target,
        method,
        headers,
        body,
        signal: init.signal ?? undefined,
        agent: secure ? agents.https : agents.http,
        options,
      });
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      if (!IDEMPOTENT.has(method)) throw error.cause;
      return attempt().catch((again: unknown) => {
        throw again instanceof StaleConnection ? again.cause : again;
      });
    }
  };
}

class StaleConnection extends Error {}

interface Send {
  readonly target: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly agent: HttpAgent;
  readonly options: NodeFetchOptions;
}

function send(s: Send): Promise<Response> {
  if (s.signal?.aborted) return Promise.reject(s.signal.reason);
  const request = s.target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const req = request(
      s.target,
      {
        method: s.method,
        agent: s.agent,
        headers: s.headers,
        ...(s.options.timeoutMs ? { timeout: s.options.timeoutMs } : {}),
      },
      (res: IncomingMessage) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', (error) => {
          s.signal?.removeEventListener('abort', abort);
          reject(error);
        });
        res.once('end', () => {
          s.signal?.removeEventListener('abort', abort);
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 599) {
            reject(new Error(`${s.options.what} answered with status ${status}`));
            return;
          }
          // A Response may not carry a body with these statuses.
          const empty = chunks.length === 0 || [204, 205, 304].includes(status);
          resolve(
            new Response(empty ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders(res),
            }),
          );
        });
      },
    );
    const abort = () => req.destroy(s.signal?.reason);
    s.signal?.addEventListener('abort', abort, { once: true });
    const limit = s.options.timeoutMs;
    if (limit)
      req.once('timeout', () =>
        req.destroy(new Error(`${s.options.what} timed out after ${limit} ms`)),
      );
    req.once('error', (error: NodeJS.ErrnoException) => {
      s.signal?.removeEventListener('abort', abort);
      const stale = !answered && req.reusedSocket && STALE.has(error.code ?? '');
      reject(stale ? new StaleConnection('stale kept connection', { cause: error }) : error);
    });
    req.end(s.body);
  });
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}
