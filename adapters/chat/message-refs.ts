/**
 * Every chat message ever sent about a request, so each state change can re-render all of
 * them, and a create-once claim so a restart or a second replica never posts the same card
 * twice (DESIGN.md "Rules").
 */
import type { ChatPlatform } from '../../bot/core/ports/chat.ts';

export type { ChatPlatform };

export interface MessageRef {
  readonly platform: ChatPlatform;
  /** Slack channel id, Teams conversation id, or console feed name. */
  readonly channel: string;
  /** Slack message ts, Teams activity id, or console item id. */
  readonly messageId: string;
  /**
   * What the message shows, so the renderer picks the right card: a request's approval card,
   * the requester's, an eligibility review's card (first sent, or re-sent as a reminder), or
   * PIM's own approval sent to one of PIM's approvers (delegated mode).
   */
  readonly kind: 'approval' | 'requester' | 'review' | 'review-reminder' | 'pim-approval';
}

export interface MessageRefs {
  /**
   * Claims the right to post `kind` for a request in a channel. True exactly once per
   * (request, platform, channel, kind); later claims, also from other replicas, get false.
   */
  claim(
    requestId: string,
    platform: ChatPlatform,
    channel: string,
    kind: MessageRef['kind'],
  ): Promise<boolean>;
  /** Gives a claim back when posting failed, so a retry may post. */
  release(
    requestId: string,
    platform: ChatPlatform,
    channel: string,
    kind: MessageRef['kind'],
  ): Promise<void>;
  save(requestId: string, ref: MessageRef): Promise<void>;
  list(requestId: string): Promise<readonly MessageRef[]>;
}

export const claimKey = (
  platform: ChatPlatform,
  channel: string,
  kind: MessageRef['kind'],
): string => `${platform}|${channel}|${kind}`;

export class MemoryMessageRefs implements MessageRefs {
  readonly #claims = new Set<string>();
  readonly #refs = new Map<string, MessageRef[]>();

  async claim(
    requestId: string,
    platform: ChatPlatform,
    channel: string,
    kind: MessageRef['kind'],
  ): Promise<boolean> {
    const key = `${requestId}|${claimKey(platform, channel, kind)}`;
    if (this.#claims.has(key)) return false;
    this.#claims.add(key);
    return true;
  }

  async release(
    requestId: string,
    platform: ChatPlatform,
    channel: string,
    kind: MessageRef['kind'],
  ): Promise<void> {
    this.#claims.delete(`${requestId}|${claimKey(platform, channel, kind)}`);
  }

  async save(requestId: string, ref: MessageRef): Promise<void> {
    this.#refs.set(requestId, [...(this.#refs.get(requestId) ?? []), ref]);
  }

  async list(requestId: string): Promise<readonly MessageRef[]> {
    return this.#refs.get(requestId) ?? [];
  }
}
