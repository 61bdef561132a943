/**
 * `/elevate history @jane` on Slack. The manifest sets `should_escape: false`, so Slack sends
 * the text as typed (`@jane`); escaped commands send `<@U123|jane>`. An email names the Entra
 * user directly. A plain name is looked up in the workspace's member list (users.list, Slack's
 * Tier 2: about 20 calls a minute), kept for a few minutes; a name that matches nobody answers
 * with the closest members.
 */
import type { WebClient } from '@slack/web-api';
import {
  closestPeople,
  type NamedPerson,
  namesPerson,
} from '../../bot/core/commands/closest-people.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { Mentioned } from '../../bot/core/usecases/chat-command.ts';
import type { SlackIdentity } from './identity.ts';

const ESCAPED = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
/** A page as large as Slack recommends; fewer calls for a big workspace. */
const PAGE = 200;
/** Enough pages for 10,000 members; a bigger workspace is searched no further. */
const MAX_PAGES = 50;
const LIST_TTL_MS = 5 * 60_000;

interface Member extends NamedPerson {
  readonly id: string;
}

export class SlackMentions {
  readonly #client: WebClient;
  readonly #identity: SlackIdentity;
  readonly #directory: DirectoryLookup;
  readonly #now: () => number;
  readonly #lists = new Map<string, { at: number; members: Promise<readonly Member[]> }>();

  constructor(
    client: WebClient,
    identity: SlackIdentity,
    directory: DirectoryLookup,
    now: () => number = Date.now,
  ) {
    this.#client = client;
    this.#identity = identity;
    this.#directory = directory;
    this.#now = now;
  }

  async resolve(teamId: string, mention: string): Promise<Mentioned> {
    const escaped = ESCAPED.exec(mention)?.[1];
    if (escaped) return this.#byId(teamId, escaped);
    const typed = mention.replace(/^@/, '');
    if (typed.includes('@')) {
      const principal = await this.#directory.findUser(typed);
      if (principal) return { principal };
    }
    const members = await this.#members(teamId);
    const matches = members.filter((m) => namesPerson(typed, m));
    const [only] = matches;
    if (only && matches.length === 1) return this.#byId(teamId, only.id);
    return {
      principal: null,
      closest: closestPeople(typed, matches.length > 1 ? matches : members),
    };
  }

  async #byId(teamId: string, userId: string): Promise<Mentioned> {
    const found = await this.#identity.resolve(teamId, userId);
    return found.ok ? { principal: found.value.principal } : { principal: null, closest: [] };
  }

  /** The workspace's people (no bots, no deactivated accounts), listed at most every 5 min. */
  #members(teamId: string): Promise<readonly Member[]> {
    const cached = this.#lists.get(teamId);
    if (cached && this.#now() - cached.at < LIST_TTL_MS) return cached.members;
    const members = this.#list();
    this.#lists.set(teamId, { at: this.#now(), members });
    members.catch(() => this.#lists.delete(teamId));
    return members;
  }

  async #list(): Promise<readonly Member[]> {
    const members: Member[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await this.#client.users.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const m of answer.members ?? []) {
        if (!m.id || m.deleted || m.is_bot || m.id === 'USLACKBOT') continue;
        const name = m.name ?? m.id;
        const keys = [name, m.profile?.display_name, m.real_name, m.profile?.email].filter(
          (k): k is string => typeof k === 'string' && k !== '',
        );
        members.push({ id: m.id, mention: `@${name}`, name: m.real_name ?? name, keys });
      }
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return members;
  }
}
