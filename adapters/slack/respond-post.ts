/**
 * Posts to a slash command's `response_url` on node:http with kept-alive connections, for
 * Bolt's `respond()` (adapters/http/node-fetch.ts says why not the global fetch).
 *
 * Only Bolt's `respond` shape takes this path: a POST with a string body and no `signal` or
 * `redirect` (the Web API client sets both). Everything else goes to the fetch given.
 */
import { nodeFetch } from '../http/node-fetch.ts';

/** Slack answers a response_url within seconds; one that hangs fails like a refused one. */
const post = nodeFetch({ what: 'response_url', timeoutMs: 10_000, idleMs: 30_000 });

export function respondFetch(fallback: typeof fetch): typeof fetch {
  return (input, init) => {
    const body = init?.body;
    if (
      typeof input !== 'string' ||
      init?.method !== 'POST' ||
      typeof body !== 'string' ||
      init.signal !== undefined ||
      init.redirect !== undefined
    ) {
      return fallback(input, init);
    }
    return post(input, { method: 'POST', headers: init.headers, body });
  };
}
