/**
 * Outbound chat delivery as the notify jobs and the notifiers share it: which platform, the
 * outbox every message goes through, and how an outbox asks for the job to run again.
 * The outbox itself (once, pace, 429, digest) is described in adapters/chat/outbox.ts.
 */
/** Where a message went: Slack, Teams, or the sandbox console. */
export type ChatPlatform = 'slack' | 'teams' | 'sandbox';

export interface Send {
  readonly platform: ChatPlatform;
  readonly channel: string;
  /** Identifies this message for its whole life; a repeated send with it is skipped. */
  readonly once?: string;
  /** The message in one line, when it may go into a digest instead. */
  readonly digest?: string;
}

export interface Outbox {
  /** Sends through `post` unless already sent, pacing the channel. Returns false if skipped or digested. */
  send(message: Send, post: () => Promise<void>): Promise<boolean>;
}

/** A rate-limit answer from a platform SDK, as the wait it asks for (ms), or null. */
export type RateLimitReader = (error: unknown) => number | null;

/** Thrown to have the notify job run again after `ms` (the channel is rate limited). */
export class RetryLater extends Error {
  readonly ms: number;
  constructor(ms: number, why: string) {
    super(`${why}; retrying in ${Math.ceil(ms / 1000)} s`);
    this.name = 'RetryLater';
    this.ms = ms;
  }
}
