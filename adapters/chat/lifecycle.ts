/**
 * The message lifecycle of a request, one implementation for every chat platform (the shape
 * of Teleport's access plugins): the core's Notifier over a small per-platform Messenger.
 * - The approval card is posted once per conversation (create-once claim, so a retry, a
 *   restart or a second replica never posts it twice) to the approvals channel and to each
 *   current approver's personal chat, and re-rendered in place everywhere it was sent on
 *   every later change, so nobody acts on a stale card.
 * - The requester and the security channel hear what bot/core/domain/audiences.ts says they
 *   hear, each message once (done-keys in the outbox).
 * Every send goes through the outbox (pace, 429 Retry-After, done-keys, digests). One failed
 * step does not stop the others; the first failure is thrown afterwards so the job retries.
 */
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import {
  asksRequesterToSignIn,
  currentApprovers,
  occurrenceOf,
  postsApprovalCard,
  requesterHears,
  SECURITY_CHANGES,
} from '../../bot/core/domain/audiences.ts';
import { requestPolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import { isGroupRef, type Principal } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Review, ReviewChange } from '../../bot/core/domain/review.ts';
import type { Outbox } from '../../bot/core/ports/chat.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { Notifier, RequestChange } from '../../bot/core/ports/notifier.ts';
import type { SignInLinks } from '../../bot/core/ports/sign-in.ts';
import { alertLines } from '../../cards/alert-text.ts';
import { outcomeText } from '../../cards/outcome-text.ts';
import { runSteps } from './audiences.ts';
import type { MessageRefs } from './message-refs.ts';
import type { Chat, Messenger, Posted } from './messenger.ts';

/** The lines a busy channel collected (RedisOutbox.takeDigest). */
export type TakeDigest = (
  channel: string,
) => Promise<{ lines: string[]; more: boolean; commit(): Promise<void> }>;

export interface LifecycleOptions<M> {
  readonly messenger: Messenger<M>;
  readonly refs: MessageRefs;
  readonly outbox: Outbox;
  readonly directory: DirectoryLookup;
  readonly policy: () => Policy;
  readonly clock: Clock;
  readonly log: Logger;
  /** Absent where the platform never digests (the console). */
  readonly takeDigest?: TakeDigest;
  /** Makes the requester's MFA sign-in links; absent when sign-in from chat is not set up. */
  readonly signInLinks?: SignInLinks;
}

export class ChatNotifier<M> implements Notifier {
  readonly #o: LifecycleOptions<M>;

  constructor(options: LifecycleOptions<M>) {
    this.#o = options;
  }

  get platform() {
    return this.#o.messenger.platform;
  }

  async requestChanged(
    request: AccessRequest,
    change: RequestChange,
    occurrence = occurrenceOf(request, change),
  ): Promise<void> {
    const approvers = await this.approverChats(request);
    const steps = [
      () => this.#cards(request, change, approvers),
      () => this.#tellRequester(request, change, occurrence),
      () => this.#tellSecurity(request, change, occurrence),
      () => this.#askPimApprovers(request, change),
    ];
    await runSteps(steps, this.#o.log, { requestId: request.id, change, platform: this.platform });
  }

  async securityAlert(alert: SecurityAlert, occurrence = alert.key): Promise<void> {
    const chat = this.#o.messenger.securityChannel();
    if (!chat) return;
    const line = alertLines(alert, this.#o.policy().timezone).slice(0, 2).join(' ');
    await this.#send(chat, this.#o.messenger.render.alert(alert), `${occurrence}:security`, line);
  }

  /**
   * A review's card goes to each reviewer's personal chat (and, for reviewers given as a
   * group, to the approvals channel) once when it starts and once more as a reminder; every
   * later change re-renders each card already sent, so nobody decides on a stale list.
   */
  async reviewChanged(review: Review, change: ReviewChange): Promise<void> {
    const { messenger, refs } = this.#o;
    const card = messenger.render.review(review);
    const fresh = new Set<string>();
    const kind = change === 'started' ? 'review' : change === 'reminded' ? 'review-reminder' : null;
    if (kind)
      for (const chat of await this.#reviewerChats(review)) {
        const posted = await this.#postOnce(review.id, chat, card, kind);
        if (posted) fresh.add(posted.messageId);
      }
    const sent = (await refs.list(review.id)).filter(
      (r) =>
        r.platform === messenger.platform &&
        (r.kind === 'review' || r.kind === 'review-reminder') &&
        !fresh.has(r.messageId),
    );
    for (const ref of sent)
      await this.#o.outbox.send({ platform: messenger.platform, channel: ref.channel }, () =>
        messenger.update({ conversation: ref.channel, messageId: ref.messageId }, card, []),
      );
  }

  async #reviewerChats(review: Review): Promise<Chat[]> {
    const chats: Chat[] = [];
    const channel = this.#o.messenger.approvalsChannel();
    if (channel && review.reviewers.some(isGroupRef)) chats.push(channel);
    for (const ref of review.reviewers.filter((r) => !isGroupRef(r))) {
      const person = await this.#o.directory.findUser(ref);
      const chat = person ? await this.#o.messenger.personalChat(person) : null;
      if (chat && !chats.some((c) => c.id === chat.id)) chats.push(chat);
    }
    return chats;
  }

  /** Posts what a busy channel collected as one message; false when nothing was waiting. */
  async flushDigest(channel: string): Promise<boolean> {
    const digest = await this.#o.takeDigest?.(channel);
    if (!digest || digest.lines.length === 0) return false;
    const head = `${digest.lines.length}${digest.more ? '+' : ''} updates arrived while this channel was busy:`;
    const message = this.#o.messenger.render.digest([head, ...digest.lines.map((l) => `• ${l}`)]);
    await this.#send({ id: channel }, message);
    await digest.commit();
    return true;
  }

  /**
   * The current approvers (after escalation, the backups too) who have a personal chat on
   * this platform, never the requester. Groups are reached through the approvals channel.
   */
  async approverChats(request: AccessRequest): Promise<Chat[]> {
    const chats: Chat[] = [];
    for (const ref of currentApprovers(request).filter((r) => !isGroupRef(r))) {
      const person: Principal | null = await this.#o.directory.findUser(ref);
      if (!person || person.id === request.requester.id) continue;
      const chat = await this.#o.messenger.personalChat(person);
      if (chat && !chats.some((c) => c.id === chat.id)) chats.push(chat);
    }
    return chats;
  }

  /** Posts the card where it is new (on submit and escalation), then re-renders the rest. */
  async #cards(request: AccessRequest, change: RequestChange, approvers: readonly Chat[]) {
    const { messenger, refs } = this.#o;
    const card = await messenger.render.approval(request, approvers);
    const fresh = new Set<string>();
    if (postsApprovalCard(change, request)) {
      const channel = messenger.approvalsChannel();
      // Approved by the on-call rule: for the record in the channel, not a DM asking anyone.
      // Break-glass: every approver gets it, to acknowledge.
      const people = change === 'approved' && !request.breakglass ? [] : approvers;
      for (const chat of [...(channel ? [channel] : []), ...people]) {
        const posted = await this.#postOnce(request.id, chat, card, 'approval');
        if (posted) fresh.add(posted.messageId);
      }
    }
    const sent = (await refs.list(request.id)).filter(
      (r) => r.platform === messenger.platform && r.kind === 'approval' && !fresh.has(r.messageId),
    );
    for (const ref of sent) {
      await this.#o.outbox.send({ platform: messenger.platform, channel: ref.channel }, () =>
        messenger.update({ conversation: ref.channel, messageId: ref.messageId }, card, approvers),
      );
    }
  }

  async #postOnce(
    requestId: string,
    chat: Chat,
    card: M,
    kind: 'approval' | 'review' | 'review-reminder' | 'pim-approval',
  ): Promise<Posted | null> {
    const { messenger, refs } = this.#o;
    if (!(await refs.claim(requestId, messenger.platform, chat.id, kind))) return null;
    try {
      let posted: Posted | null = null;
      await this.#o.outbox.send({ platform: messenger.platform, channel: chat.id }, async () => {
        posted = await messenger.post(chat, card, kind === 'approval' ? requestId : undefined);
      });
      const landed = posted as Posted | null;
      if (landed)
        await refs.save(requestId, {
          ...landed,
          platform: messenger.platform,
          channel: landed.conversation,
          kind,
        });
      return landed;
    } catch (error) {
      await refs.release(requestId, messenger.platform, chat.id, kind);
      throw error;
    }
  }

  async #tellRequester(request: AccessRequest, change: RequestChange, occurrence: string) {
    const { messenger, signInLinks } = this.#o;
    if (request.platform !== messenger.platform) return;
    const signIn = asksRequesterToSignIn(request, change);
    if (!signIn && !requesterHears(request, change)) return;
    const chat = await messenger.personalChat(request.requester);
    if (!chat) return;
    // A fresh single-use link each time; it lives only in the message sent to the requester.
    const delegated = requestPolicy(this.#o.policy(), request).mode === 'delegated';
    const link =
      signIn && signInLinks
        ? {
            url: await signInLinks.create(
              request.state === 'active' && request.extensionStepUp
                ? {
                    requestId: request.id,
                    person: request.requester,
                    purpose: 'extend',
                    extension: request.extensionStepUp.askedAt,
                  }
                : {
                    requestId: request.id,
                    person: request.requester,
                    purpose: delegated ? 'delegate' : 'activate',
                  },
            ),
            label: delegated ? 'Sign in to activate' : 'Sign in with MFA',
          }
        : undefined;
    const message = messenger.render.outcome(request, change, 'requester', link);
    await this.#send(chat, message, `${occurrence}:requester`);
  }

  /**
   * Delegated mode, PIM's own approval: each approver PIM names hears it in their own chat
   * with two single-use sign-in links (approve, deny) of their own; once PIM has decided,
   * those messages say so and lose their links.
   */
  async #askPimApprovers(request: AccessRequest, change: RequestChange) {
    const wait = request.pimApproval;
    if (!wait) return;
    const { messenger, refs, signInLinks } = this.#o;
    const waiting = request.state === 'activating' && wait.decision === null;
    if (!waiting || change !== 'pim_approval_pending') {
      const sent = (await refs.list(request.id)).filter(
        (r) => r.platform === messenger.platform && r.kind === 'pim-approval',
      );
      const closed = messenger.render.pimApproval(request, null);
      for (const ref of sent)
        await this.#o.outbox.send({ platform: messenger.platform, channel: ref.channel }, () =>
          messenger.update({ conversation: ref.channel, messageId: ref.messageId }, closed, []),
        );
      return;
    }
    for (const id of wait.approverIds) {
      const person = await this.#o.directory.findUser(id);
      if (!person || person.id === request.requester.id) continue;
      const chat = await messenger.personalChat(person);
      if (!chat) continue;
      const link = async (decision: 'approve' | 'deny', label: string) => ({
        url: await (signInLinks as SignInLinks).create({
          requestId: request.id,
          person,
          purpose: 'pim_review',
          decision,
        }),
        label,
      });
      const message = messenger.render.pimApproval(
        request,
        signInLinks
          ? {
              approve: await link('approve', 'Approve in PIM'),
              deny: await link('deny', 'Deny in PIM'),
            }
          : null,
      );
      await this.#postOnce(request.id, chat, message, 'pim-approval');
    }
  }

  async #tellSecurity(request: AccessRequest, change: RequestChange, occurrence: string) {
    const chat = this.#o.messenger.securityChannel();
    if (!chat || !SECURITY_CHANGES.has(change)) return;
    const propagation = requestPolicy(this.#o.policy(), request).propagation;
    const facts = propagation === undefined ? {} : { propagation };
    const line = outcomeText(
      request,
      change,
      'security',
      facts,
      this.#o.clock.now(),
      this.#o.policy().timezone,
    );
    const message = this.#o.messenger.render.outcome(request, change, 'security');
    await this.#send(chat, message, `${occurrence}:security`, line);
  }

  async #send(chat: Chat, message: M, once?: string, digest?: string): Promise<void> {
    const { messenger } = this.#o;
    await this.#o.outbox.send(
      {
        platform: messenger.platform,
        channel: chat.id,
        ...(once ? { once } : {}),
        ...(digest ? { digest } : {}),
      },
      async () => void (await messenger.post(chat, message)),
    );
  }
}
