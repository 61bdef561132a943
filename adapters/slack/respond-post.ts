/**
 * Posts to a slash command's `response_url` on node:http with kept-alive connections, for
 * Bolt's `respond()`. Bolt posts there with the global fetch (undici), whose web streams cost
 * about a fifth of the bot's CPU per `/elevate` under load (DESIGN.md "Performance",
 * docs/benchmarks.md); node:http does the same POST for a fraction.
 *
 * Only Bolt's `respond` shape takes this path: a POST with a string body and no `signal` or
 * `redirect` (the Web API client sets both). Everything else goes to the fetch given.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Slack answers a response_url within seconds; one that hangs fails like a refused one. */
const TIMEOUT_MS = 10_000;

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

export function respondFetch(fallback: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : null;
    const body = init?.body;
    if (
      url === null ||
      init?.method !== 'POST' ||
      typeof body !== 'string' ||
      init.signal !== undefined ||
      init.redirect !== undefined
    ) {
      return fallback(input, init);
    }
    return post(url, headersOf(init.headers), body);
  };
}

const headersOf = (headers: RequestInit['headers']): Record<string, string> =>
  Object.fromEntries(new Headers(headers));

function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') {
    return Promise.reject(new TypeError(`response_url is not http(s): ${target.protocol}`));
  }
  const send = secure ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: TIMEOUT_MS,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 599) {
            reject(new Error(`response_url answered with status ${status}`));
            return;
          }
          // A Response may not carry a body with these statuses.
          const empty = text === '' || status === 204 || status === 205 || status === 304;
          resolve(
            new Response(empty ? null : text, {
              status,
              statusText: res.statusMessage ?? '',
            }),
          );
        });
      },
    );
    req.once('timeout', () =>
      req.destroy(new Error(`response_url timed out after ${TIMEOUT_MS} ms`)),
    );
    req.once('error', reject);
    req.end(body);
  });
}
