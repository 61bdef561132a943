/**
 * History a page at a time from card buttons. A button carries the query and the cursors of
 * the pages before it, never a verdict: every click re-runs history() as the person who
 * clicked, so a forged or forwarded state is authorised, and a refusal audited, exactly like
 * a typed command.
 */
import type { Principal } from '../domain/principal.ts';
import type { AccessRequest } from '../domain/request.ts';
import { type AppError, appError } from '../errors.ts';
import type { Page } from '../ports/request-store.ts';
import type { CoreDeps } from './deps.ts';
import { type HistoryQuery, history } from './history.ts';

/**
 * How many earlier cursors a state keeps, so it fits a Slack button value (2000 characters).
 * Deeper than this, Previous walks back as far as it remembers and then jumps to page 1.
 */
export const MAX_CURSORS = 20;

/** Whose history, by directory id: a button outlives the chat mention it was typed with. */
export type HistorySubject =
  | { readonly kind: 'me' }
  | { readonly kind: 'all' }
  | { readonly kind: 'user'; readonly id: string };

export interface HistoryState {
  readonly subject: HistorySubject;
  readonly roleId: string | null;
  readonly since: number | null;
  /** 1 is the newest page. */
  readonly page: number;
  /** The `before` cursors that led here, oldest first; the last one reads this page. */
  readonly cursors: readonly string[];
}

/** What a renderer needs for the page label and the Previous / Next buttons. */
export interface HistoryPaging {
  readonly page: number;
  readonly previous: HistoryState | null;
  readonly next: HistoryState | null;
}

export interface HistoryReply {
  readonly kind: 'history';
  readonly page: Page<AccessRequest>;
  readonly query: HistoryQuery;
  readonly paging: HistoryPaging;
}

/** The state of the first page of a typed history command. */
export function firstState(query: HistoryQuery): HistoryState {
  const { subject } = query;
  return {
    subject: subject.kind === 'user' ? { kind: 'user', id: subject.principal.id } : subject,
    roleId: query.roleId,
    since: query.since,
    page: 1,
    cursors: [],
  };
}

/** Where Previous and Next lead from `state`, given the page it read. */
export function pagingOf(state: HistoryState, next: string | null): HistoryPaging {
  const back = state.cursors.slice(0, -1);
  return {
    page: state.page,
    previous:
      state.page > 1
        ? { ...state, cursors: back, page: back.length === 0 ? 1 : state.page - 1 }
        : null,
    next:
      next === null
        ? null
        : { ...state, page: state.page + 1, cursors: [...state.cursors, next].slice(-MAX_CURSORS) },
  };
}

/** The page `state` points at, as `asker` may see it; refusals are audited by history(). */
export async function historyPage(
  deps: CoreDeps,
  asker: Principal,
  state: HistoryState,
): Promise<HistoryReply | { readonly kind: 'error'; readonly error: AppError }> {
  let subject: HistoryQuery['subject'];
  if (state.subject.kind === 'user') {
    const principal = await deps.directory.findUser(state.subject.id);
    if (!principal)
      return {
        kind: 'error',
        error: appError('history.unknown_user', { mention: state.subject.id }),
      };
    subject = { kind: 'user', principal };
  } else {
    subject = state.subject;
  }
  const before = state.cursors.at(-1);
  const query: HistoryQuery = {
    asker,
    subject,
    roleId: state.roleId,
    since: state.since,
    ...(before === undefined ? {} : { before }),
  };
  const page = await history(deps, query);
  if (!page.ok) return { kind: 'error', error: page.error };
  return { kind: 'history', page: page.value, query, paging: pagingOf(state, page.value.next) };
}
