/**
 * Slack for the shared message lifecycle (adapters/chat/lifecycle.ts): channels from
 * policy.yaml, a person's chat is a DM to their Slack user (found by email), and messages are
 * Block Kit from cards/slack. The client reports a 429 instead of sleeping through it, so the
 * outbox can honour Retry-After without holding a worker.
 */
import type { WebClient } from '@slack/web-api';
import { requestPolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import {
  alertMessage,
  approvalCard,
  outcomeMessage,
  pimApprovalMessage,
  reviewMessage,
  type SlackMessage,
  safeMrkdwn,
} from '../../cards/slack/index.ts';
import type { Chat, Messenger, Posted, Renderer } from '../chat/messenger.ts';
import type { SlackIdentity } from './identity.ts';

export interface SlackMessengerOptions {
  readonly client: WebClient;
  readonly identity: SlackIdentity;
  readonly policy: () => Policy;
  readonly clock: Clock;
}

export class SlackMessenger implements Messenger<SlackMessage> {
  readonly platform = 'slack' as const;
  readonly render: Renderer<SlackMessage>;
  readonly #o: SlackMessengerOptions;

  constructor(options: SlackMessengerOptions) {
    this.#o = options;
    this.render = slackRenderer(options.policy, options.clock);
  }

  approvalsChannel(): Chat | null {
    const id = this.#o.policy().channels.approvals.slack;
    return id ? { id } : null;
  }

  securityChannel(): Chat | null {
    const id = this.#o.policy().channels.security.slack;
    return id ? { id } : null;
  }

  async personalChat(person: Principal): Promise<Chat | null> {
    const user = await this.#o.identity.slackUserFor(person);
    return user ? { id: user, userId: user } : null;
  }

  async post(chat: Chat, message: SlackMessage): Promise<Posted | null> {
    const posted = await this.#o.client.chat.postMessage({ channel: chat.id, ...message });
    return posted.ts && posted.channel
      ? { conversation: posted.channel, messageId: posted.ts }
      : null;
  }

  async update(posted: Posted, message: SlackMessage): Promise<void> {
    await this.#o.client.chat.update({
      channel: posted.conversation,
      ts: posted.messageId,
      ...message,
    });
  }
}

function slackRenderer(policy: () => Policy, clock: Clock): Renderer<SlackMessage> {
  const zone = () => policy().timezone;
  return {
    approval: (request) =>
      approvalCard(
        request,
        {
          maxDuration: requestPolicy(policy(), request).maxDuration,
          quorum: request.approval.quorum,
        },
        clock.now(),
        zone(),
      ),
    outcome: (request, change, audience, link) => {
      const { propagation } = requestPolicy(policy(), request);
      const facts = propagation === undefined ? {} : { propagation };
      return outcomeMessage(request, change, audience, facts, clock.now(), zone(), link);
    },
    alert: (alert) => alertMessage(alert, zone()),
    review: (review) => reviewMessage(review, zone()),
    pimApproval: (request, links) => pimApprovalMessage(request, links),
    digest: (lines) => ({
      text: lines.map((line) => safeMrkdwn(line, 400)).join('\n'),
      blocks: [],
    }),
  };
}
