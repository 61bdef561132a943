/**
 * The sandbox console's side of every request change, with the same audiences as Slack and
 * Teams: approval cards to the approvals channel and to each approver's chat (updated in place
 * afterwards), outcomes to the requester and the security channel, findings to the security
 * channel.
 */
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import { combinePolicies, rolePolicy } from '../../bot/core/domain/effective-policy.ts';
import type { Policy } from '../../bot/core/domain/policy.ts';
import { isGroupRef } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Notifier, RequestChange } from '../../bot/core/ports/notifier.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { alertCard, outcomeCard } from '../../cards/teams/index.ts';
import { postsApprovalCard, REQUESTER_CHANGES, SECURITY_CHANGES } from '../chat/audiences.ts';
import type { Feed } from '../console/feed.ts';
import type { TeamsCards } from '../teams/render.ts';

export class ConsoleNotifier implements Notifier {
  readonly #feed: Feed;
  readonly #cards: TeamsCards;
  readonly #core: () => CoreDeps | null;
  readonly #policy: () => Policy;

  /** `core` is read when a change arrives: the directory exists only once the bot runs. */
  constructor(feed: Feed, cards: TeamsCards, core: () => CoreDeps | null, policy: () => Policy) {
    this.#feed = feed;
    this.#cards = cards;
    this.#core = core;
    this.#policy = policy;
  }

  async requestChanged(request: AccessRequest, change: RequestChange): Promise<void> {
    const card = this.#cards.approval(request);
    if (postsApprovalCard(change)) {
      const at = this.#cards.now;
      const posted = new Set(
        this.#feed.read('approvals').flatMap((i) => (i.approvalFor === request.id ? [i.feed] : [])),
      );
      if (!posted.has('approvals'))
        this.#feed.add({ feed: 'approvals', at, card, approvalFor: request.id });
      for (const approver of await this.#approvers(request)) {
        const chat = `chat:${approver}` as const;
        if (this.#feed.read(chat).some((i) => i.approvalFor === request.id)) continue;
        this.#feed.add({ feed: chat, at, card, approvalFor: request.id });
      }
    }
    this.#feed.replaceApproval(request.id, card);
    if (request.platform === 'sandbox' && REQUESTER_CHANGES.has(change))
      this.#feed.add({
        feed: `chat:${request.requester.id}`,
        at: this.#cards.now,
        card: this.#outcome(request, change, 'requester'),
      });
    if (SECURITY_CHANGES.has(change))
      this.#feed.add({
        feed: 'security',
        at: this.#cards.now,
        card: this.#outcome(request, change, 'security'),
      });
  }

  async securityAlert(alert: SecurityAlert): Promise<void> {
    this.#feed.add({
      feed: 'security',
      at: this.#cards.now,
      card: alertCard(alert, this.#cards.timezone),
    });
  }

  #outcome(request: AccessRequest, change: RequestChange, audience: 'requester' | 'security') {
    const { propagation } = combinePolicies(
      request.targets.map((t) => rolePolicy(this.#policy(), t.name)),
    );
    return outcomeCard(
      request,
      change,
      audience,
      propagation === undefined ? {} : { propagation },
      this.#cards.now,
      this.#cards.timezone,
    );
  }

  /** Approvers named by email, current ones only (escalation adds the backups). */
  async #approvers(request: AccessRequest): Promise<string[]> {
    const refs = request.approval.escalated
      ? [...request.approval.approvers, ...request.approval.escalateTo]
      : request.approval.approvers;
    const ids: string[] = [];
    const directory = this.#core()?.directory;
    for (const ref of directory ? refs.filter((r) => !isGroupRef(r)) : []) {
      const person = await directory?.findUser(ref);
      if (person && person.id !== request.requester.id) ids.push(person.id);
    }
    return ids;
  }
}
