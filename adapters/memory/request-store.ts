/**
 * The request store in process memory, for unit tests and the sandbox without Redis. It keeps
 * the Redis store's semantics: create refuses an existing id, update is compare-and-set on
 * the version, and each write appends its audit event in the same step (nothing awaits in
 * between, so no other write can interleave). Requests are kept as JSON, so callers get copies.
 */
import type { AuditEventInput } from '../../bot/core/domain/audit.ts';
import type { AccessRequest, RequestState } from '../../bot/core/domain/request.ts';
import type {
  ChangedQuery,
  ListQuery,
  Page,
  RequestStore,
} from '../../bot/core/ports/request-store.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import type { MemoryAuditLog } from './audit-log.ts';

export class MemoryRequestStore implements RequestStore {
  readonly #audit: MemoryAuditLog;
  readonly #requests = new Map<string, string>();

  constructor(audit: MemoryAuditLog) {
    this.#audit = audit;
  }

  async create(
    request: AccessRequest,
    event: AuditEventInput,
  ): Promise<Result<AccessRequest, 'exists'>> {
    if (this.#requests.has(request.id)) return err('exists');
    return ok(this.#write(request, event));
  }

  async get(id: string): Promise<AccessRequest | null> {
    const json = this.#requests.get(id);
    return json === undefined ? null : parse(json);
  }

  async update(
    next: AccessRequest,
    event: AuditEventInput,
  ): Promise<Result<AccessRequest, 'conflict'>> {
    const json = this.#requests.get(next.id);
    if (json === undefined || parse(json).version !== next.version - 1) return err('conflict');
    return ok(this.#write(next, event));
  }

  async listByUser(principalId: string, query: ListQuery): Promise<Page<AccessRequest>> {
    return this.#page((r) => r.requester.id === principalId, query);
  }

  async listByRole(roleId: string, query: ListQuery): Promise<Page<AccessRequest>> {
    return this.#page((r) => r.targets.some((t) => t.id === roleId), query);
  }

  async listAll(query: ListQuery): Promise<Page<AccessRequest>> {
    return this.#page(() => true, query);
  }

  async listChangedSince(query: ChangedQuery): Promise<Page<AccessRequest>> {
    const after = query.after === undefined ? null : decodeChangeCursor(query.after);
    const rest = this.#all()
      .filter((r) => r.updatedAt >= query.since)
      .sort(oldestChangeFirst)
      .filter((r) => after === null || oldestChangeFirst(r, after) > 0);
    const items = rest.slice(0, Math.max(0, Math.floor(query.limit)));
    const last = items.at(-1);
    return { items, next: last && rest.length > items.length ? changeCursor(last) : null };
  }

  async listInStates(states: readonly RequestState[]): Promise<readonly AccessRequest[]> {
    const wanted = new Set(states);
    return this.#all()
      .filter((r) => wanted.has(r.state))
      .sort((a, b) => -newestFirst(a, b));
  }

  #write(request: AccessRequest, event: AuditEventInput): AccessRequest {
    const json = JSON.stringify(request);
    this.#requests.set(request.id, json);
    this.#audit.appendNow(event);
    return parse(json);
  }

  #all(): AccessRequest[] {
    return [...this.#requests.values()].map(parse);
  }

  /** Newest first by (createdAt, id), the order the Redis sorted sets give. */
  #page(match: (r: AccessRequest) => boolean, query: ListQuery): Page<AccessRequest> {
    const after = query.before === undefined ? null : decodeCursor(query.before);
    const since = query.since ?? Number.NEGATIVE_INFINITY;
    const rest = this.#all()
      .filter((r) => match(r) && r.createdAt >= since)
      .sort(newestFirst)
      .filter((r) => after === null || newestFirst(r, after) > 0);
    const items = rest.slice(0, Math.max(0, query.limit));
    const last = items.at(-1);
    return { items, next: last && rest.length > items.length ? encodeCursor(last) : null };
  }
}

const parse = (json: string): AccessRequest => JSON.parse(json) as AccessRequest;

type Position = Pick<AccessRequest, 'createdAt' | 'id'>;

function newestFirst(a: Position, b: Position): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const encodeCursor = (r: Position): string => `${r.createdAt}:${r.id}`;

function decodeCursor(cursor: string): Position {
  const colon = cursor.indexOf(':');
  const createdAt = Number(cursor.slice(0, colon));
  if (colon < 1 || !Number.isFinite(createdAt)) throw new RangeError(`bad cursor: ${cursor}`);
  return { createdAt, id: cursor.slice(colon + 1) };
}

type Change = Pick<AccessRequest, 'updatedAt' | 'id'>;

/** Oldest change first by (updatedAt, id), the order of the Redis `changed` index. */
function oldestChangeFirst(a: Change, b: Change): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const changeCursor = (r: Change): string => `${r.updatedAt}:${r.id}`;

function decodeChangeCursor(cursor: string): Change {
  const { createdAt, id } = decodeCursor(cursor);
  return { updatedAt: createdAt, id };
}
