/**
 * The sandbox console for the shared message lifecycle (adapters/chat/lifecycle.ts): the
 * approvals and security channels and each person's chat are feeds in this process, messages
 * are the Teams Adaptive Cards (the console renders them with the official renderer), and an
 * update replaces the feed item in place, as Teams' updateActivity does.
 */
import { requestPolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import {
  alertCard,
  type Card,
  outcomeCard,
  pimApprovalCard,
  reviewCard,
  textCard,
} from '../../cards/teams/index.ts';
import type { AdaptiveCards } from '../chat/adaptive/cards.ts';
import type { Chat, Messenger, Posted, Renderer } from '../chat/messenger.ts';
import type { Feed, FeedName } from './feed.ts';

export class ConsoleMessenger implements Messenger<Card> {
  readonly platform = 'sandbox' as const;
  readonly render: Renderer<Card>;
  readonly #feed: Feed;
  readonly #clock: Clock;

  constructor(feed: Feed, cards: AdaptiveCards, policy: () => Policy, clock: Clock) {
    this.#feed = feed;
    this.#clock = clock;
    const zone = () => policy().timezone;
    this.render = {
      approval: (request) => cards.approval(request),
      outcome: (request, change, audience, link) => {
        const { propagation } = requestPolicy(policy(), request);
        const facts = propagation === undefined ? {} : { propagation };
        return outcomeCard(request, change, audience, facts, clock.now(), zone(), link);
      },
      alert: (alert) => alertCard(alert, zone()),
      review: (review) => reviewCard(review, zone()),
      pimApproval: (request, links) => pimApprovalCard(request, links),
      digest: (lines) => textCard(lines.join('\n\n')),
    };
  }

  approvalsChannel(): Chat {
    return { id: 'approvals' };
  }

  securityChannel(): Chat {
    return { id: 'security' };
  }

  async personalChat(person: Principal): Promise<Chat> {
    return { id: `chat:${person.id}`, userId: person.id };
  }

  async post(chat: Chat, card: Card, approvalFor?: string): Promise<Posted> {
    const item = this.#feed.add({
      feed: chat.id as FeedName,
      at: this.#clock.now(),
      card,
      ...(approvalFor ? { approvalFor } : {}),
    });
    return { conversation: chat.id, messageId: String(item.id) };
  }

  async update(posted: Posted, card: Card): Promise<void> {
    this.#feed.replace(Number(posted.messageId), card);
  }
}
