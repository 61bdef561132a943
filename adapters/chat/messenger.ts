/**
 * What one chat platform must do for the shared message lifecycle (./lifecycle.ts): say where
 * the approvals and security channels and a person's own chat are, post and update one
 * message, and render each kind of message. Everything else (who hears what, once-only posts,
 * re-rendering every card, digests) is the lifecycle's, the same on every platform.
 */
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { Review } from '../../bot/core/domain/review.ts';
import type { ActionLink } from '../../bot/core/errors.ts';
import type { RequestChange } from '../../bot/core/ports/notifier.ts';
import type { ChatPlatform } from './message-refs.ts';

/** A conversation the bot can post to. */
export interface Chat {
  /** Slack channel or user id, Teams conversation id, console feed name. */
  readonly id: string;
  /** The person's user id on the platform, for a personal chat (Teams card refresh). */
  readonly userId?: string;
  /** Whatever else the platform needs to reach the chat (a Teams conversation reference). */
  readonly address?: unknown;
}

/** Where a posted message can be found again. */
export interface Posted {
  /** The conversation it landed in (a Slack DM to a user id lands in a `D…` channel). */
  readonly conversation: string;
  readonly messageId: string;
}

export type OutcomeAudience = 'requester' | 'security';

export interface Renderer<M> {
  /**
   * The approval card; `approvers` are the approvers' personal chats on this platform. Async
   * where the card lists its viewers (Teams refresh.userIds) and finding them takes a call.
   */
  approval(request: AccessRequest, approvers: readonly Chat[]): M | Promise<M>;
  /** `link`: a button to open with it (the requester's MFA sign-in). */
  outcome(
    request: AccessRequest,
    change: RequestChange,
    audience: OutcomeAudience,
    link?: ActionLink,
  ): M;
  alert(alert: SecurityAlert): M;
  /**
   * Delegated mode: PIM's approval, to one of PIM's approvers, with their own sign-in links
   * while it waits (null once PIM has decided).
   */
  pimApproval(
    request: AccessRequest,
    links: { readonly approve: ActionLink; readonly deny: ActionLink } | null,
  ): M;
  /** An eligibility review's card: every person with Keep / Remove while it is open. */
  review(review: Review): M;
  /** Lines a busy channel collected, as one message. */
  digest(lines: readonly string[]): M;
}

export interface Messenger<M> {
  readonly platform: ChatPlatform;
  readonly render: Renderer<M>;
  approvalsChannel(): Chat | null;
  securityChannel(): Chat | null;
  /** The chat where this person hears from the bot here; null when there is none yet. */
  personalChat(person: Principal): Promise<Chat | null>;
  /** `approvalFor` names the request when the message is its approval card. */
  post(chat: Chat, message: M, approvalFor?: string): Promise<Posted | null>;
  /** Replaces a posted message; `known` are chats the lifecycle resolved for this change. */
  update(posted: Posted, message: M, known: readonly Chat[]): Promise<void>;
}
