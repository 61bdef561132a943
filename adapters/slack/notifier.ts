/**
 * Slack's side of every request change, run by the notify worker. Cards are projections of the
 * stored request: the approval card is posted once per channel (create-once claim) and
 * re-rendered everywhere it was sent on every change; people and the security channel get the
 * outcome in words. Every call goes through the outbox (pace, 429, done-keys, digests); a
 * failure is thrown after the other steps ran, and the job retries.
 */
import type { WebClient } from '@slack/web-api';
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import { combinePolicies, rolePolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import { isGroupRef } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Outbox } from '../../bot/core/ports/chat.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { Notifier, RequestChange } from '../../bot/core/ports/notifier.ts';
import { alertLines } from '../../cards/alert-text.ts';
import {
  alertMessage,
  approvalCard,
  outcomeMessage,
  outcomeText,
  safeMrkdwn,
} from '../../cards/slack/index.ts';
import {
  digestLines,
  occurrenceOf,
  postsApprovalCard,
  REQUESTER_CHANGES,
  runSteps,
  SECURITY_CHANGES,
} from '../chat/audiences.ts';
import type { MessageRef, MessageRefs } from '../chat/message-refs.ts';
import type { SlackIdentity } from './identity.ts';

export interface SlackNotifierOptions {
  readonly client: WebClient;
  readonly refs: MessageRefs;
  readonly identity: SlackIdentity;
  readonly policy: () => Policy;
  readonly clock: Clock;
  readonly log: Logger;
  readonly outbox: Outbox;
  /** The lines a busy channel collected (RedisOutbox.takeDigest); absent without digests. */
  readonly takeDigest?: (
    channel: string,
  ) => Promise<{ lines: string[]; more: boolean; commit(): Promise<void> }>;
}

export class SlackNotifier implements Notifier {
  readonly #o: SlackNotifierOptions;

  constructor(options: SlackNotifierOptions) {
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
    await runSteps(steps, this.#o.log, { requestId: request.id, change, platform: 'slack' });
  }

  async securityAlert(alert: SecurityAlert, occurrence = alert.key): Promise<void> {
    const channel = this.#o.policy().channels.security.slack;
    if (!channel) return;
    const timezone = this.#o.policy().timezone;
    await this.#o.outbox.send(
      {
        platform: 'slack',
        channel,
        once: `${occurrence}:security`,
        digest: alertLines(alert, timezone).slice(0, 2).join(' '),
      },
      async () =>
        void (await this.#o.client.chat.postMessage({ channel, ...alertMessage(alert, timezone) })),
    );
  }

  /** Posts what a busy channel collected as one message; false when nothing was waiting. */
  async flushDigest(channel: string): Promise<boolean> {
    const digest = await this.#o.takeDigest?.(channel);
    if (!digest || digest.lines.length === 0) return false;
    const text = digestLines(digest.lines, digest.more)
      .map((line) => safeMrkdwn(line, 400))
      .join('\n');
    await this.#o.outbox.send(
      { platform: 'slack', channel },
      async () => void (await this.#o.client.chat.postMessage({ channel, text })),
    );
    await digest.commit();
    return true;
  }

  async #postApprovalCards(request: AccessRequest): Promise<void> {
    const channel = this.#o.policy().channels.approvals.slack;
    const targets = channel ? [channel] : [];
    for (const ref of request.approval.approvers.filter((r) => !isGroupRef(r))) {
      const user = await this.#o.identity.slackUserFor({ id: ref, displayName: ref, email: ref });
      if (user && user !== (await this.#o.identity.slackUserFor(request.requester)))
        targets.push(user);
    }
    const card = this.#approvalCard(request);
    for (const target of targets) {
      if (!(await this.#o.refs.claim(request.id, 'slack', target, 'approval'))) continue;
      try {
        let posted: { ts?: string; channel?: string } = {};
        await this.#o.outbox.send({ platform: 'slack', channel: target }, async () => {
          posted = await this.#o.client.chat.postMessage({ channel: target, ...card });
        });
        if (posted.ts && posted.channel) {
          await this.#o.refs.save(request.id, {
            platform: 'slack',
            channel: posted.channel,
            messageId: posted.ts,
            kind: 'approval',
          });
        }
      } catch (error) {
        await this.#o.refs.release(request.id, 'slack', target, 'approval');
        throw error;
      }
    }
  }

  async #updateCards(request: AccessRequest): Promise<void> {
    const refs = (await this.#o.refs.list(request.id)).filter(
      (r: MessageRef) => r.platform === 'slack' && r.kind === 'approval',
    );
    const card = this.#approvalCard(request);
    for (const r of refs) {
      await this.#o.outbox.send(
        { platform: 'slack', channel: r.channel },
        async () =>
          void (await this.#o.client.chat.update({ channel: r.channel, ts: r.messageId, ...card })),
      );
    }
  }

  async #tellRequester(
    request: AccessRequest,
    change: RequestChange,
    occurrence: string,
  ): Promise<void> {
    if (request.platform !== 'slack' || !REQUESTER_CHANGES.has(change)) return;
    const user = await this.#o.identity.slackUserFor(request.requester);
    if (!user) return;
    const message = this.#outcome(request, change, 'requester');
    await this.#o.outbox.send(
      { platform: 'slack', channel: user, once: `${occurrence}:requester` },
      async () => void (await this.#o.client.chat.postMessage({ channel: user, ...message })),
    );
  }

  async #tellSecurity(
    request: AccessRequest,
    change: RequestChange,
    occurrence: string,
  ): Promise<void> {
    const channel = this.#o.policy().channels.security.slack;
    if (!channel || !SECURITY_CHANGES.has(change)) return;
    const message = this.#outcome(request, change, 'security');
    const line = outcomeText(
      request,
      change,
      'security',
      {},
      this.#o.clock.now(),
      this.#o.policy().timezone,
    );
    await this.#o.outbox.send(
      { platform: 'slack', channel, once: `${occurrence}:security`, digest: line },
      async () => void (await this.#o.client.chat.postMessage({ channel, ...message })),
    );
  }

  #approvalCard(request: AccessRequest) {
    const policy = this.#combined(request);
    return approvalCard(
      request,
      { maxDuration: policy.maxDuration, quorum: request.approval.quorum },
      this.#o.clock.now(),
      this.#o.policy().timezone,
    );
  }

  #outcome(request: AccessRequest, change: RequestChange, audience: 'requester' | 'security') {
    const propagation = this.#combined(request).propagation;
    return outcomeMessage(
      request,
      change,
      audience,
      propagation === undefined ? {} : { propagation },
      this.#o.clock.now(),
      this.#o.policy().timezone,
    );
  }

  #combined(request: AccessRequest) {
    return combinePolicies(request.targets.map((t) => rolePolicy(this.#o.policy(), t.name)));
  }
}
