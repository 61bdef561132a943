import type { AuditEventInput } from '../domain/audit.ts';
import type { AccessRequest, RequestState } from '../domain/request.ts';
import type { Result } from '../result.ts';

export interface Page<T> {
  readonly items: readonly T[];
  /**
   * Pass back as `before` (as `after` for listChangedSince) to get the next page; null when
   * there is none.
   */
  readonly next: string | null;
}

/**
 * The position of a request in the newest-first lists: `before` = cursorOf(r) continues with
 * the requests listed after `r`. Stores issue and accept exactly this form.
 */
export const cursorOf = (r: AccessRequest): string => `${r.createdAt}:${r.id}`;

export interface ListQuery {
  readonly limit: number;
  readonly before?: string;
  /** Only requests created at or after this time (ms). */
  readonly since?: number;
}

/**
 * The position of a request in the list by last change: `after` = changeCursorOf(r) continues
 * with the requests changed after `r`. Stores issue and accept exactly this form.
 */
export const changeCursorOf = (r: AccessRequest): string => `${r.updatedAt}:${r.id}`;

export interface ChangedQuery {
  /** Only requests whose last change (updatedAt, ms) is at or after this time. */
  readonly since: number;
  readonly limit: number;
  readonly after?: string;
}

/**
 * Where requests live. Every write carries its audit event and is applied together with it,
 * atomically: either both are stored or neither is.
 */
export interface RequestStore {
  /** Stores a new request (version 1). Refuses an id that exists. */
  create(request: AccessRequest, event: AuditEventInput): Promise<Result<AccessRequest, 'exists'>>;
  get(id: string): Promise<AccessRequest | null>;
  /**
   * Compare-and-set: stores `next` only if the stored version is `next.version - 1`.
   * A lost race returns `conflict` and changes nothing.
   */
  update(next: AccessRequest, event: AuditEventInput): Promise<Result<AccessRequest, 'conflict'>>;
  /** Newest first. */
  listByUser(principalId: string, query: ListQuery): Promise<Page<AccessRequest>>;
  /** Newest first; `roleId` is the target id (role definition or group). */
  listByRole(roleId: string, query: ListQuery): Promise<Page<AccessRequest>>;
  listAll(query: ListQuery): Promise<Page<AccessRequest>>;
  /**
   * Requests by their last change (updatedAt), oldest change first, ties by id. Oldest first
   * so that paging never skips: a request changed while pages are read moves behind the
   * cursor's end and is listed (again) on a later page, with its new content. A caller that
   * keeps every page keeps the last copy of an id.
   */
  listChangedSince(query: ChangedQuery): Promise<Page<AccessRequest>>;
  /** Requests currently in one of `states` (open work for reconcile and status). */
  listInStates(states: readonly RequestState[]): Promise<readonly AccessRequest[]>;
}
