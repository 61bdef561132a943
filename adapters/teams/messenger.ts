/**
 * Teams for the shared message lifecycle (adapters/chat/lifecycle.ts), proactively through
 * the Bot Connector: channels from policy.yaml on TEAMS_SERVICE_URL, a person's chat is the
 * personal conversation they opened with the bot (its stored reference), messages are
 * Adaptive Cards from cards/teams, updated in place with updateActivity. botbuilder is imported
 * for its types only: the adapter comes loaded on the first message out (see index.ts).
 */
import type { Attachment, CloudAdapter, ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
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
import type { ConversationRefs } from '../chat/conversation-refs.ts';
import type { Chat, Messenger, Posted, Renderer } from '../chat/messenger.ts';
import type { TeamsMember } from './approver-ids.ts';

export interface TeamsMessengerOptions {
  /** The CloudAdapter, loaded on first use; every caller shares the one load. */
  readonly adapter: () => Promise<CloudAdapter>;
  readonly appId: string;
  readonly serviceUrl?: string;
  readonly tenantId?: string;
  readonly conversations: ConversationRefs;
  readonly cards: AdaptiveCards;
  readonly policy: () => Policy;
  readonly clock: Clock;
}

type Reference = Partial<ConversationReference>;

export class TeamsMessenger implements Messenger<Card> {
  readonly platform = 'teams' as const;
  readonly render: Renderer<Card>;
  readonly #o: TeamsMessengerOptions;

  constructor(options: TeamsMessengerOptions) {
    this.#o = options;
    this.render = teamsRenderer(options);
  }

  approvalsChannel(): Chat | null {
    return this.#channel(this.#o.policy().channels.approvals.teams);
  }

  securityChannel(): Chat | null {
    return this.#channel(this.#o.policy().channels.security.teams);
  }

  async personalChat(person: Principal): Promise<Chat | null> {
    const reference = (await this.#o.conversations.get(person.id)) as Reference | null;
    const id = reference?.conversation?.id;
    if (!reference || !id) return null;
    return { id, ...(reference.user?.id ? { userId: reference.user.id } : {}), address: reference };
  }

  async post(chat: Chat, card: Card): Promise<Posted | null> {
    let id: string | undefined;
    await this.#continue(chat.address as Reference, async (context) => {
      id = (await context.sendActivity({ attachments: [cardAttachment(card)] }))?.id;
    });
    return id ? { conversation: chat.id, messageId: id } : null;
  }

  async update(posted: Posted, card: Card, known: readonly Chat[]): Promise<void> {
    const chat =
      this.#channel(posted.conversation) ?? known.find((c) => c.id === posted.conversation);
    // A personal chat of someone who is no longer an approver: nothing to reach it by.
    if (!chat) return;
    await this.#continue(chat.address as Reference, async (context) => {
      await context.updateActivity({
        id: posted.messageId,
        type: 'message',
        attachments: [cardAttachment(card)],
      });
    });
  }

  /** The members of the approvals channel (Bot Connector GET /v3/conversations/{id}/members). */
  async approvalsMembers(): Promise<readonly TeamsMember[] | null> {
    const chat = this.approvalsChannel();
    if (!chat) return null;
    let members: readonly TeamsMember[] = [];
    await this.#continue(chat.address as Reference, async (context) => {
      const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      const listed = await client.conversations.getConversationMembers(chat.id);
      members = listed.map((m) => ({
        id: m.id,
        ...(m.aadObjectId ? { aadObjectId: m.aadObjectId } : {}),
      }));
    });
    return members;
  }

  async #continue(
    reference: Reference,
    logic: Parameters<CloudAdapter['continueConversationAsync']>[2],
  ): Promise<void> {
    const adapter = await this.#o.adapter();
    await adapter.continueConversationAsync(this.#o.appId, reference, logic);
  }

  /** A channel from policy.yaml as a conversation reference, on TEAMS_SERVICE_URL. */
  #channel(conversationId: string | undefined): Chat | null {
    if (!conversationId?.startsWith('19:') || !this.#o.serviceUrl) return null;
    const address: Reference = {
      channelId: 'msteams',
      serviceUrl: this.#o.serviceUrl,
      conversation: {
        id: conversationId,
        isGroup: true,
        conversationType: 'channel',
        tenantId: this.#o.tenantId ?? '',
        name: '',
      },
    };
    return { id: conversationId, address };
  }
}

/** botbuilder's `CardFactory.adaptiveCard`, without loading botbuilder for it. */
function cardAttachment(card: Card): Attachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

function teamsRenderer(o: TeamsMessengerOptions): Renderer<Card> {
  const zone = () => o.policy().timezone;
  return {
    approval: (request) => o.cards.approvalFor(request),
    outcome: (request, change, audience, link) => {
      const { propagation } = requestPolicy(o.policy(), request);
      const facts = propagation === undefined ? {} : { propagation };
      return outcomeCard(request, change, audience, facts, o.clock.now(), zone(), link);
    },
    alert: (alert) => alertCard(alert, zone()),
    review: (review) => reviewCard(review, zone()),
    pimApproval: (request, links) => pimApprovalCard(request, links),
    digest: (lines) => textCard(lines.join('\n\n')),
  };
}
