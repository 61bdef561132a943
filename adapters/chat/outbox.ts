/**
 * Every message the bot sends to a chat goes through an outbox, which makes sending safe to
 * repeat and polite to the platform:
 * - once: a send carries a key; a send whose key is recorded as done is skipped, so a notify
 *   job that is retried (after a crash, a 429, an outage) never posts the same message twice;
 * - pace: each channel, and each platform as a whole, gets a minimum gap between messages
 *   (Slack about 1 message a second per channel; Teams 7 a second per conversation);
 * - 429: a rate-limit answer blocks the channel for Retry-After and asks for a later retry;
 * - digest: when a channel is so far behind that a message would wait long, a message that
 *   can be said in one line is added to the channel's digest instead, posted as one message
 *   when the channel is free again. Nothing is dropped.
 * The types (`Outbox`, `Send`, `RetryLater`) are the port in bot/core/ports/chat.ts; the Redis
 * outbox is adapters/redis/outbox.ts.
 */
import type { Outbox, RateLimitReader } from '../../bot/core/ports/chat.ts';

/** Sends at once: the in-memory sandbox and tests that exercise a notifier on its own. */
export const directOutbox: Outbox = {
  async send(_message, post) {
    await post();
    return true;
  },
};

/**
 * Reads a rate-limit answer from either SDK without importing them: Slack's WebClient (with
 * rejectRateLimitedCalls) throws `slack_webapi_rate_limited_error` with `retryAfter` seconds;
 * the Bot Connector client throws a RestError with status 429 and a Retry-After header.
 */
export const rateLimitWait: RateLimitReader = (error) => {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as {
    code?: unknown;
    retryAfter?: unknown;
    statusCode?: unknown;
    response?: { headers?: { get?: (name: string) => string | undefined } };
  };
  if (e.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number')
    return Math.max(1, e.retryAfter) * 1000;
  if (e.statusCode === 429) {
    const header = Number(e.response?.headers?.get?.('retry-after'));
    return (Number.isFinite(header) && header > 0 ? header : 1) * 1000;
  }
  return null;
};
