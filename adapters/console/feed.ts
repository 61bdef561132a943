/**
 * What the console shows: the security channel, the approvals channel and each person's chat
 * with the bot, as Adaptive Cards. Approval cards are replaced in place when the request
 * changes, as Teams does with updateActivity. Browsers hear about every change over
 * server-sent events and read the feeds again.
 */
import type { Card } from '../../cards/teams/index.ts';

export type FeedName = 'security' | 'approvals' | `chat:${string}`;

export interface FeedItem {
  readonly id: number;
  readonly feed: FeedName;
  readonly at: number;
  /** Who typed this, for the person's own messages in their chat. */
  readonly said?: string;
  readonly card?: Card;
  /** Set on approval cards, which are replaced when the request changes. */
  readonly approvalFor?: string;
}

const KEEP = 200;

export class Feed {
  readonly #items: FeedItem[] = [];
  readonly #listeners = new Set<(version: number) => void>();
  #next = 1;
  #version = 0;

  add(item: Omit<FeedItem, 'id'>): FeedItem {
    const added = { ...item, id: this.#next++ };
    this.#items.push(added);
    const same = this.#items.filter((i) => i.feed === item.feed);
    if (same.length > KEEP) this.#items.splice(this.#items.indexOf(same[0] as FeedItem), 1);
    this.#changed();
    return added;
  }

  /** Puts `card` in place of every approval card for the request. */
  replaceApproval(requestId: string, card: Card): number {
    let replaced = 0;
    for (const [index, item] of this.#items.entries()) {
      if (item.approvalFor !== requestId) continue;
      this.#items[index] = { ...item, card };
      replaced += 1;
    }
    if (replaced > 0) this.#changed();
    return replaced;
  }

  /** Replaces one card (the one a person clicked) with the action's answer. */
  replace(id: number, card: Card): boolean {
    const index = this.#items.findIndex((i) => i.id === id);
    const item = this.#items[index];
    if (!item) return false;
    this.#items[index] = { ...item, card };
    this.#changed();
    return true;
  }

  read(feed: FeedName): readonly FeedItem[] {
    return this.#items.filter((i) => i.feed === feed);
  }

  get version(): number {
    return this.#version;
  }

  listen(listener: (version: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    this.#version += 1;
    for (const listener of this.#listeners) listener(this.#version);
  }
}
