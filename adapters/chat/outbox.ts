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
 */
import type { ChatPlatform } from './message-refs.ts';

export interface Send {
  readonly platform: ChatPlatform;
  readonly channel: string;
  /** Identifies this message for its whole life; a repeated send with it is skipped. */
  readonly once?: string;
  /** The message in one line, when it may go into a digest instead. */
  readonly digest?: string;
}

/** Thrown to have the notify job run again after `ms` (the channel is rate limited). */
export class RetryLater extends Error {
  readonly ms: number;
  constructor(ms: number, why: string) {
    super(`${why}; retrying in ${Math.ceil(ms / 1000)} s`);
    this.name = 'RetryLater';
    this.ms = ms;
  }
}

/** A rate-limit answer from a platform SDK, as the wait it asks for (ms), or null. */
export type RateLimitReader = (error: unknown) => number | null;

export interface Outbox {
  /** Sends through `post` unless already sent, pacing the channel. Returns false if skipped or digested. */
  send(message: Send, post: () => Promise<void>): Promise<boolean>;
}

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
