/**
 * Requests in Redis (key layout in keys.ts). Each create and update is one Lua script that
 * checks, writes the request, keeps the indexes and appends the audit entry, so a replica that
 * loses a race changes nothing. Reads that return many requests fetch them in one pipeline.
 *
 * Every record carries a seal (`m`): an HMAC over its key, version, state and JSON, made here
 * on every write (scripts store it, never compute it). A read whose seal does not check is
 * reported and treated as no request at all: a request rewritten in Redis (its targets, its
 * approvals, its state) is never shown, approved or activated.
 */
import type { AuditEventInput } from '../../bot/core/domain/audit.ts';
import type { AccessRequest, RequestState } from '../../bot/core/domain/request.ts';
import { readTarget } from '../../bot/core/domain/target.ts';
import type {
  ChangedQuery,
  ListQuery,
  Page,
  RequestStore,
} from '../../bot/core/ports/request-store.ts';
import { err, ok, type Result } from '../../bot/core/result.ts';
import { type Integrity, processIntegrity } from '../integrity.ts';
import { decodeEventJson } from './audit-codec.ts';
import { type ChainWriter, chainWriter } from './chain-writer.ts';
import { ALL_STATES, type RedisKeys, redisKeys } from './keys.ts';
import { decodeRecordJson, encodeRecordJson } from './record-codec.ts';
import { type RecordParts, readRecords } from './record-read.ts';
import {
  changedPageScript,
  createScript,
  pageScript,
  type RedisClient,
  runScript,
  updateScript,
} from './scripts.ts';

export class RedisRequestStore implements RequestStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #writer: ChainWriter;
  readonly #key: Integrity;

  /** `key` defaults to this process's random one: fine for tests, never for shared data. */
  constructor(client: RedisClient, prefix: string, key: Integrity = processIntegrity()) {
    this.#client = client;
    this.#keys = redisKeys(prefix);
    this.#key = key;
    this.#writer = chainWriter(client, this.#keys, key);
  }

  async create(
    request: AccessRequest,
    event: AuditEventInput,
  ): Promise<Result<AccessRequest, 'exists'>> {
    const k = this.#keys;
    const json = encodeRecordJson(request);
    const roles = [...new Set(request.targets.map((t) => k.byRole(t.id)))];
    const outcome = await this.#writer.write(
      createScript,
      ['exists'],
      [
        k.request(request.id),
        k.all,
        k.byUser(request.requester.id),
        k.inState(request.state),
        k.changed,
        k.changedSeq,
        ...roles,
      ],
      [
        request.id,
        request.version,
        request.state,
        json,
        request.createdAt,
        this.#seal(request.id, request.version, request.state, json),
        request.updatedAt,
      ],
      event,
    );
    return outcome.ok ? ok(parse(json)) : err(outcome.refusal);
  }

  async get(id: string): Promise<AccessRequest | null> {
    const [request] = await this.#fetchPart([id]);
    return request ?? null;
  }

  async update(
    next: AccessRequest,
    event: AuditEventInput,
  ): Promise<Result<AccessRequest, 'conflict'>> {
    const k = this.#keys;
    const json = encodeRecordJson(next);
    const outcome = await this.#writer.write(
      updateScript,
      ['conflict'],
      [k.request(next.id), k.changed, k.changedSeq, ...ALL_STATES.map((s) => k.inState(s))],
      [
        next.id,
        next.version,
        next.state,
        json,
        this.#seal(next.id, next.version, next.state, json),
        next.updatedAt,
        ...ALL_STATES,
      ],
      event,
    );
    return outcome.ok ? ok(parse(json)) : err(outcome.refusal);
  }

  async listByUser(principalId: string, query: ListQuery): Promise<Page<AccessRequest>> {
    return this.#page(this.#keys.byUser(principalId), query);
  }

  async listByRole(roleId: string, query: ListQuery): Promise<Page<AccessRequest>> {
    return this.#page(this.#keys.byRole(roleId), query);
  }

  async listAll(query: ListQuery): Promise<Page<AccessRequest>> {
    return this.#page(this.#keys.all, query);
  }

  /** One page of idx:changed, oldest change first: one script for the ids, one pipeline. */
  async listChangedSince(query: ChangedQuery): Promise<Page<AccessRequest>> {
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return { items: [], next: null };
    if (query.after === undefined) await this.#catchUp();
    const cursor = query.after === undefined ? null : decodeCursor(query.after);
    const fromCursor = cursor !== null && cursor.score >= query.since;
    const from = fromCursor ? cursor.score : query.since;
    const reply = await runScript(
      this.#client,
      changedPageScript,
      [this.#keys.changed],
      [Number.isFinite(from) ? from : '-inf', limit + 1, fromCursor ? '1' : '0'],
    );
    const hits = pairs(reply).filter(
      (hit) =>
        cursor === null ||
        hit.score > cursor.score ||
        (hit.score === cursor.score && compare(hit.id, cursor.id) > 0),
    );
    const shown = hits.slice(0, limit);
    const last = shown.at(-1);
    const items = await this.#fetch(shown.map((hit) => hit.id));
    return { items, next: last && hits.length > limit ? encodeCursor(last) : null };
  }

  /** Oldest first. */
  async listInStates(states: readonly RequestState[]): Promise<readonly AccessRequest[]> {
    if (states.length === 0) return [];
    const ids = await this.#client.sunion(...states.map((s) => this.#keys.inState(s)));
    // The state sets are not sealed: trust the sealed record's own state, not its set.
    const requests = (await this.#fetch(ids)).filter((r) => states.includes(r.state));
    return requests.sort((a, b) => a.createdAt - b.createdAt || compare(a.id, b.id));
  }

  /** One page newest first: one read for the ids, one for the requests. */
  async #page(index: string, query: ListQuery): Promise<Page<AccessRequest>> {
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return { items: [], next: null };
    const cursor = query.before === undefined ? null : decodeCursor(query.before);
    // One more than asked for tells whether there is a next page. The first page needs no
    // script: it starts at the top.
    const reply = cursor
      ? await runScript(this.#client, pageScript, [index], [cursor.id, cursor.score, limit + 1])
      : await this.#client.zrevrange(index, 0, limit, 'WITHSCORES');
    const since = query.since ?? Number.NEGATIVE_INFINITY;
    const hits = pairs(reply).filter((hit) => hit.score >= since);
    const shown = hits.slice(0, limit);
    const last = shown.at(-1);
    const items = await this.#fetch(shown.map((hit) => hit.id));
    return { items, next: last && hits.length > limit ? encodeCursor(last) : null };
  }

  /**
   * Adds to idx:changed the writes it lacks, so that a listing from the start misses none.
   * Writes by this version index themselves and move idx:changed:seq along with the audit
   * head. Writes by a version without the index (replicas of it during a rollout, or after a
   * rollback) do neither: the seq stays behind, and here the requests of the audit entries
   * after it are added at their records' updatedAt. A store from before the index has no seq:
   * every request is added from its record once (a million take some seconds).
   */
  async #catchUp(): Promise<void> {
    const k = this.#keys;
    const [seqText, headText] = await Promise.all([
      this.#client.get(k.changedSeq),
      this.#client.hget(k.auditHead, 's'),
    ]);
    const head = Number(headText ?? 0);
    if (seqText === null) {
      await this.#fillChanged();
      await this.#client.set(k.changedSeq, String(head));
      return;
    }
    let seq = Number(seqText);
    while (seq < head) {
      const batch = await this.#client.xrangeBuffer(
        k.audit,
        `(${seq}-0`,
        `${head}-0`,
        'COUNT',
        FILL_CHUNK,
      );
      const last = batch.at(-1);
      if (last === undefined) break;
      await this.#indexRecords([...new Set(batch.flatMap(([, fields]) => requestIdOf(fields)))]);
      const id = last[0].toString('latin1');
      seq = Number(id.slice(0, id.indexOf('-')));
    }
    // A lower seq set by a concurrent catch-up only makes the next one read entries again.
    if (seq > Number(seqText)) await this.#client.set(k.changedSeq, String(seq));
  }

  /** Every request from idx:all, by rank: creates meanwhile shift ids up, never past us. */
  async #fillChanged(): Promise<void> {
    for (let start = 0; ; start += FILL_CHUNK) {
      const ids = await this.#client.zrange(this.#keys.all, start, String(start + FILL_CHUNK - 1));
      if (ids.length === 0) return;
      await this.#indexRecords(ids);
    }
  }

  /**
   * idx:changed at the records' updatedAt, never lowering a score (GT): a write that got
   * there meanwhile has the newer one. The score only finds a record; reading it checks the
   * seal.
   */
  async #indexRecords(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const k = this.#keys;
    const add = this.#client.pipeline();
    for (let start = 0; start < ids.length; start += FETCH_CHUNK) {
      const part = ids.slice(start, start + FETCH_CHUNK);
      const reply = await readRecords(this.#client, this.#keys, part);
      for (const [i, id] of part.entries()) {
        const d = reply[i]?.[2];
        const at = d ? updatedAtOf(d.toString('utf8')) : null;
        if (at !== null) add.zadd(k.changed, 'GT', String(at), id);
      }
    }
    if (add.length > 0) await add.exec();
  }

  /**
   * Requests by id in the given order; ids without a request are left out. Read in parts sent
   * at once, each checked and parsed as it arrives, so that Redis reads the next part while
   * this process checks the last one instead of each waiting for the other.
   */
  async #fetch(ids: readonly string[]): Promise<AccessRequest[]> {
    const parts: Promise<(AccessRequest | null)[]>[] = [];
    for (let start = 0; start < ids.length; start += FETCH_CHUNK) {
      parts.push(this.#fetchPart(ids.slice(start, start + FETCH_CHUNK)));
    }
    const out: AccessRequest[] = [];
    for (const part of await Promise.all(parts)) {
      for (const request of part) if (request) out.push(request);
    }
    return out;
  }

  async #fetchPart(ids: readonly string[]): Promise<(AccessRequest | null)[]> {
    const reply = await readRecords(this.#client, this.#keys, ids);
    return ids.map((id, i) => this.#open(id, reply[i] ?? null));
  }

  /** Its 32 bytes: records written before kept its hex, which `#open` reads too. */
  #seal(id: string, version: number, state: string, json: string): Buffer {
    return this.#key.sealBytes('record', this.#keys.request(id), [String(version), state, json]);
  }

  /**
   * The request in `[v, s, d, m]` as read (Buffers, checked as they came, with no decoding
   * before the seal holds), or null when there is none or its seal does not check.
   */
  #open(id: string, parts: RecordParts | null): AccessRequest | null {
    const [v, s, d, m] = parts ?? [];
    if (!d) return null;
    const name = this.#keys.request(id);
    if (!v || !s || !m || !this.#key.checkBytes('record', name, [v, s, d], m)) {
      this.#key.refused({
        kind: 'request',
        name,
        problem: m ? 'its seal does not match its content' : 'it has no seal',
      });
      return null;
    }
    return parse(d.toString('utf8'));
  }
}

/** The field name `e` of an audit stream entry. */
const E = 'e'.charCodeAt(0);
const FILL_CHUNK = 1_000;
/**
 * Records per read: small enough that Redis answers the first part while it still has others
 * to read, and that no call keeps it from other clients for long.
 */
const FETCH_CHUNK = 100;

/** The request id of a raw audit stream entry (field `e`, audit-codec.ts), if any. */
function requestIdOf(fields: readonly Buffer[]): string[] {
  const at = fields.findIndex((f, i) => i % 2 === 0 && f.length === 1 && f[0] === E);
  const e = at < 0 ? undefined : fields[at + 1];
  if (e === undefined) return [];
  try {
    const id: unknown = (JSON.parse(decodeEventJson(e)) as { requestId?: unknown }).requestId;
    return typeof id === 'string' ? [id] : [];
  } catch {
    return [];
  }
}

function updatedAtOf(json: string): number | null {
  try {
    const at: unknown = (decodeRecordJson(json) as { updatedAt?: unknown }).updatedAt;
    return typeof at === 'number' && Number.isFinite(at) ? at : null;
  } catch {
    return null;
  }
}

/**
 * Sealed by us, so it has the shape we stored. Records written by earlier versions are plain
 * JSON and may carry the old target kinds (`directoryRole`).
 */
function parse(json: string): AccessRequest {
  const request = decodeRecordJson(json) as AccessRequest;
  const targets = request.targets.map(readTarget);
  // Copied only when a target was of an old kind: most records are read as they are.
  return targets.every((t, i) => t === request.targets[i]) ? request : { ...request, targets };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Hit {
  readonly id: string;
  readonly score: number;
}

function pairs(reply: unknown): Hit[] {
  if (!Array.isArray(reply)) throw new Error('unexpected reply from page script');
  const hits: Hit[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    hits.push({ id: String(reply[i]), score: Number(reply[i + 1]) });
  }
  return hits;
}

/** Opaque to callers: `<score>:<id>` of the last request on the page (createdAt or updatedAt). */
const encodeCursor = (hit: Hit): string => `${hit.score}:${hit.id}`;

function decodeCursor(cursor: string): Hit {
  const colon = cursor.indexOf(':');
  const score = Number(cursor.slice(0, colon));
  if (colon < 1 || !Number.isFinite(score)) throw new RangeError(`bad cursor: ${cursor}`);
  return { id: cursor.slice(colon + 1), score };
}
