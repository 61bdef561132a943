/**
 * Slack's side of every request change. Cards are projections of the stored request: the
 * approval card is posted once per channel (create-once claim) and re-rendered everywhere it
 * was sent on every change; people and the security channel get the outcome in words.
 * A failed post is logged, never thrown: chat trouble must not undo a decision.
 */
import type { WebClient } from '@slack/web-api';
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import { combinePolicies, rolePolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import { isGroupRef } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Clock } from '../../bot/core/ports/clock.ts';
import type { Notifier, RequestChange } from '../../bot/core/ports/notifier.ts';
import type { Logger } from '../../bot/log.ts';
import { alertMessage, approvalCard, outcomeMessage } from '../../cards/slack/index.ts';
import { REQUESTER_CHANGES, runSteps, SECURITY_CHANGES } from '../chat/audiences.ts';
import type { MessageRef, MessageRefs } from '../chat/message-refs.ts';
import type { SlackIdentity } from './identity.ts';

export interface SlackNotifierOptions {
  readonly client: WebClient;
  readonly refs: MessageRefs;
  readonly identity: SlackIdentity;
  readonly policy: () => Policy;
  readonly clock: Clock;
  readonly log: Logger;
}

export class SlackNotifier implements Notifier {
  readonly #o: SlackNotifierOptions;

  constructor(options: SlackNotifierOptions) {
    this.#o = options;
  }

  async requestChanged(request: AccessRequest, change: RequestChange): Promise<void> {
    const steps = [
      change === 'submitted' || change === 'escalated'
        ? () => this.#postApprovalCards(request)
        : () => this.#updateCards(request),
      () => this.#tellRequester(request, change),
      () => this.#tellSecurity(request, change),
    ];
    await runSteps(steps, this.#o.log, { requestId: request.id, change, platform: 'slack' });
  }

  async securityAlert(alert: SecurityAlert): Promise<void> {
    const channel = this.#o.policy().channels.security.slack;
    if (!channel) return;
    try {
      await this.#o.client.chat.postMessage({
        channel,
        ...alertMessage(alert, this.#o.policy().timezone),
      });
    } catch (error) {
      this.#o.log.error(
        { alert: alert.key, err: error instanceof Error ? error.message : String(error) },
        'slack alert failed',
      );
    }
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
        const posted = await this.#o.client.chat.postMessage({ channel: target, ...card });
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
    await Promise.all(
      refs.map((r) => this.#o.client.chat.update({ channel: r.channel, ts: r.messageId, ...card })),
    );
  }

  async #tellRequester(request: AccessRequest, change: RequestChange): Promise<void> {
    if (request.platform !== 'slack' || !REQUESTER_CHANGES.has(change)) return;
    const user = await this.#o.identity.slackUserFor(request.requester);
    if (!user) return;
    await this.#o.client.chat.postMessage({
      channel: user,
      ...this.#outcome(request, change, 'requester'),
    });
  }

  async #tellSecurity(request: AccessRequest, change: RequestChange): Promise<void> {
    const channel = this.#o.policy().channels.security.slack;
    if (!channel || !SECURITY_CHANGES.has(change)) return;
    await this.#o.client.chat.postMessage({
      channel,
      ...this.#outcome(request, change, 'security'),
    });
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
