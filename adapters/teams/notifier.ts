/**
 * Teams' side of every request change, proactively: the approval card posted once to the
 * approvals channel and to approvers who have talked to the bot, updated in place
 * (updateActivity) on every change; outcomes to the requester and the security channel.
 * Every call goes through the outbox (pace, 429, done-keys, digests); a failure is thrown after
 * the other steps ran, and the notify job retries.
 */
import { CardFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import { combinePolicies, rolePolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import { isGroupRef } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Outbox } from '../../bot/core/ports/chat.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { Notifier, RequestChange } from '../../bot/core/ports/notifier.ts';
import { alertLines } from '../../cards/alert-text.ts';
import { outcomeText } from '../../cards/outcome-text.ts';
import { alertCard, outcomeCard, textCard } from '../../cards/teams/index.ts';
import {
  digestLines,
  occurrenceOf,
  postsApprovalCard,
  REQUESTER_CHANGES,
  runSteps,
  SECURITY_CHANGES,
} from '../chat/audiences.ts';
import type { ConversationRefs } from '../chat/conversation-refs.ts';
import type { MessageRefs } from '../chat/message-refs.ts';
import type { TeamsCards } from './render.ts';

export interface TeamsNotifierOptions {
  readonly adapter: CloudAdapter;
  readonly appId: string;
  readonly serviceUrl?: string;
  readonly tenantId?: string;
  readonly refs: MessageRefs;
  readonly conversations: ConversationRefs;
  readonly directory: DirectoryLookup;
  readonly cards: TeamsCards;
  readonly policy: () => Policy;
  readonly log: Logger;
  readonly outbox: Outbox;
  /** The lines a busy channel collected (RedisOutbox.takeDigest); absent without digests. */
  readonly takeDigest?: (
    channel: string,
  ) => Promise<{ lines: string[]; more: boolean; commit(): Promise<void> }>;
}

type Reference = Partial<ConversationReference>;

export class TeamsNotifier implements Notifier {
  readonly #o: TeamsNotifierOptions;

  constructor(options: TeamsNotifierOptions) {
    this.#o = options;
  }

  async requestChanged(
    request: AccessRequest,
    change: RequestChange,
    occurrence = occurrenceOf(request, change),
  ): Promise<void> {
    const steps = [
      postsApprovalCard(change)
        ? () => this.#postApprovalCards(request)
        : () => this.#updateCards(request),
      () => this.#tellRequester(request, change, occurrence),
      () => this.#tellSecurity(request, change, occurrence),
    ];
    await runSteps(steps, this.#o.log, { requestId: request.id, change, platform: 'teams' });
  }

  async securityAlert(alert: SecurityAlert, occurrence = alert.key): Promise<void> {
    const channel = this.#channel(this.#o.policy().channels.security.teams);
    if (!channel) return;
    const timezone = this.#o.cards.timezone;
    await this.#send(channel, alertCard(alert, timezone), {
      once: `${occurrence}:security`,
      digest: alertLines(alert, timezone).slice(0, 2).join(' '),
    });
  }

  /** Posts what a busy channel collected as one message; false when nothing was waiting. */
  async flushDigest(conversationId: string): Promise<boolean> {
    const channel = this.#channel(conversationId);
    const digest = await this.#o.takeDigest?.(conversationId);
    if (!channel || !digest || digest.lines.length === 0) return false;
    await this.#send(channel, textCard(digestLines(digest.lines, digest.more).join('\n\n')));
    await digest.commit();
    return true;
  }

  async #postApprovalCards(request: AccessRequest): Promise<void> {
    const approvers = await this.#approverReferences(request);
    const channel = this.#channel(this.#o.policy().channels.approvals.teams);
    const targets = [...(channel ? [channel] : []), ...approvers.map((a) => a.reference)];
    const card = this.#o.cards.approval(
      request,
      approvers.map((a) => a.userId),
    );
    for (const reference of targets) {
      const conversation = reference.conversation?.id ?? '';
      if (!(await this.#o.refs.claim(request.id, 'teams', conversation, 'approval'))) continue;
      try {
        const id = await this.#send(reference, card);
        if (id)
          await this.#o.refs.save(request.id, {
            platform: 'teams',
            channel: conversation,
            messageId: id,
            kind: 'approval',
          });
      } catch (error) {
        await this.#o.refs.release(request.id, 'teams', conversation, 'approval');
        throw error;
      }
    }
  }

  async #updateCards(request: AccessRequest): Promise<void> {
    const refs = (await this.#o.refs.list(request.id)).filter(
      (r) => r.platform === 'teams' && r.kind === 'approval',
    );
    const approvers = await this.#approverReferences(request);
    const card = this.#o.cards.approval(
      request,
      approvers.map((a) => a.userId),
    );
    for (const ref of refs) {
      const reference =
        this.#channel(ref.channel) ??
        (await this.#referenceForConversation(ref.channel, approvers));
      if (!reference) continue;
      await this.#o.outbox.send({ platform: 'teams', channel: ref.channel }, () =>
        this.#o.adapter.continueConversationAsync(this.#o.appId, reference, async (context) => {
          await context.updateActivity({
            id: ref.messageId,
            type: 'message',
            attachments: [CardFactory.adaptiveCard(card)],
          });
        }),
      );
    }
  }

  async #tellRequester(
    request: AccessRequest,
    change: RequestChange,
    occurrence: string,
  ): Promise<void> {
    if (request.platform !== 'teams' || !REQUESTER_CHANGES.has(change)) return;
    const reference = (await this.#o.conversations.get(request.requester.id)) as Reference | null;
    if (reference)
      await this.#send(reference, this.#outcome(request, change, 'requester'), {
        once: `${occurrence}:requester`,
      });
  }

  async #tellSecurity(
    request: AccessRequest,
    change: RequestChange,
    occurrence: string,
  ): Promise<void> {
    const channel = this.#channel(this.#o.policy().channels.security.teams);
    if (!channel || !SECURITY_CHANGES.has(change)) return;
    const line = outcomeText(
      request,
      change,
      'security',
      {},
      this.#o.cards.now,
      this.#o.cards.timezone,
    );
    await this.#send(channel, this.#outcome(request, change, 'security'), {
      once: `${occurrence}:security`,
      digest: line,
    });
  }

  #outcome(request: AccessRequest, change: RequestChange, audience: 'requester' | 'security') {
    const propagation = combinePolicies(
      request.targets.map((t) => rolePolicy(this.#o.policy(), t.name)),
    ).propagation;
    return outcomeCard(
      request,
      change,
      audience,
      propagation === undefined ? {} : { propagation },
      this.#o.cards.now,
      this.#o.cards.timezone,
    );
  }

  async #send(
    reference: Reference,
    card: Record<string, unknown>,
    options: { readonly once?: string; readonly digest?: string } = {},
  ): Promise<string | undefined> {
    let id: string | undefined;
    const channel = reference.conversation?.id ?? '';
    await this.#o.outbox.send({ platform: 'teams', channel, ...options }, () =>
      this.#o.adapter.continueConversationAsync(this.#o.appId, reference, async (context) => {
        id = (await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] }))?.id;
      }),
    );
    return id;
  }

  /** A channel from policy.yaml as a conversation reference, on TEAMS_SERVICE_URL. */
  #channel(conversationId: string | undefined): Reference | null {
    if (!conversationId?.startsWith('19:') || !this.#o.serviceUrl) return null;
    return {
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
  }

  async #referenceForConversation(
    conversationId: string,
    approvers: readonly { reference: Reference }[],
  ): Promise<Reference | null> {
    return (
      approvers.find((a) => a.reference.conversation?.id === conversationId)?.reference ?? null
    );
  }

  /** Approvers named by email who have talked to the bot (so a 1:1 reference exists). */
  async #approverReferences(
    request: AccessRequest,
  ): Promise<{ userId: string; reference: Reference }[]> {
    const found: { userId: string; reference: Reference }[] = [];
    for (const ref of request.approval.approvers.filter((r) => !isGroupRef(r))) {
      const person = await this.#o.directory.findUser(ref);
      if (!person || person.id === request.requester.id) continue;
      const reference = (await this.#o.conversations.get(person.id)) as Reference | null;
      if (reference?.user?.id) found.push({ userId: reference.user.id, reference });
    }
    return found;
  }
}
