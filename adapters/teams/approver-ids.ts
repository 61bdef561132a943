/**
 * The Teams user ids (`29:…`) of a request's current approvers, for the approval card's
 * `refresh.userIds`, so that every approver opening the card sees it as it is now, also one
 * who never wrote to the bot. An approver's id comes from their personal chat with the bot
 * when there is one, otherwise from the approvals channel's members (Bot Connector
 * `GET /v3/conversations/{id}/members`, matched by Entra object id). The member list is kept
 * for a few minutes per replica; group approvers are the listed members in that group.
 */
import { currentApprovers } from '../../bot/core/domain/audiences.ts';
import { isGroupRef } from '../../bot/core/domain/principal.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { Chat } from '../chat/messenger.ts';

/** A member of a Teams conversation as the Bot Connector lists it. */
export interface TeamsMember {
  readonly id: string;
  readonly aadObjectId?: string;
}

export interface ApproverIdSources {
  readonly directory: DirectoryLookup;
  /** The approvers' personal chats with the bot (ChatNotifier.approverChats). */
  readonly personalChats: (request: AccessRequest) => Promise<readonly Chat[]>;
  /** The approvals channel's members; null when there is no Teams approvals channel. */
  readonly channelMembers: () => Promise<readonly TeamsMember[] | null>;
  readonly now: () => number;
  readonly log: Logger;
}

/** Teams refreshes a card automatically for at most 60 users. */
const MAX_IDS = 60;
const ROSTER_TTL_MS = 10 * 60_000;
const MAX_GROUP_CHECKS = 500;
const RETRY_MS = 60_000;

export class TeamsApproverIds {
  readonly #s: ApproverIdSources;
  #roster: { until: number; members: Promise<readonly TeamsMember[]> } | null = null;

  constructor(sources: ApproverIdSources) {
    this.#s = sources;
  }

  async of(request: AccessRequest): Promise<readonly string[]> {
    const ids = new Set<string>();
    for (const chat of await this.#s.personalChats(request)) if (chat.userId) ids.add(chat.userId);
    const members = await this.#members();
    const refs = currentApprovers(request);
    const people = refs.filter((r) => !isGroupRef(r));
    const groups = refs.filter(isGroupRef);
    for (const ref of people) {
      const person = await this.#s.directory.findUser(ref);
      if (!person || person.id === request.requester.id) continue;
      const member = members.find((m) => m.aadObjectId === person.id);
      if (member) ids.add(member.id);
    }
    if (groups.length > 0) {
      // Each check may ask Graph: a large team is searched only so far.
      for (const m of members.slice(0, MAX_GROUP_CHECKS)) {
        if (ids.size >= MAX_IDS) break;
        if (!m.aadObjectId || m.aadObjectId === request.requester.id || ids.has(m.id)) continue;
        if (await this.#s.directory.isAnyOf(m.aadObjectId, groups)) ids.add(m.id);
      }
    }
    return [...ids].slice(0, MAX_IDS);
  }

  /**
   * The approvals channel's members, listed at most every ten minutes. A failed listing
   * counts as none for a minute (logged once), then is tried again.
   */
  #members(): Promise<readonly TeamsMember[]> {
    const now = this.#s.now();
    if (this.#roster && now < this.#roster.until) return this.#roster.members;
    const members = this.#s.channelMembers().then(
      (listed) => listed ?? [],
      (error: unknown) => {
        this.#roster = { until: this.#s.now() + RETRY_MS, members: Promise.resolve([]) };
        this.#s.log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'could not list the Teams approvals channel members; cards refresh for approvers who wrote to the bot only',
        );
        return [];
      },
    );
    this.#roster = { until: now + ROSTER_TTL_MS, members };
    return members;
  }
}
