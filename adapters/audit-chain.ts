/**
 * The audit hash chain, shared by the in-memory and the Redis audit log so that both hash and
 * verify in exactly the same way: entry n stores the hash of entry n-1 (`prevHash`) and its own
 * hash over `prevHash` plus a canonical JSON of everything else. Editing an entry breaks its
 * hash; deleting one leaves a seq gap and a link that points nowhere; deleting the last one
 * leaves the stored head pointing past the end.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../bot/core/domain/audit.ts';
import type { VerifyResult } from '../bot/core/ports/audit-log.ts';

/** The `prevHash` of entry 1. */
export const GENESIS = '0'.repeat(64);

/** The last entry as the log remembers it, stored apart from the entries themselves. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS };

export type UnhashedEntry = Omit<AuditEvent, 'hash'>;

/**
 * JSON with object keys sorted at every level, so that the hash does not depend on the order
 * in which properties were set or on how a store serialised them. Follows JSON.stringify for
 * everything else (undefined properties left out, undefined array items become null).
 */
export function canonicalJson(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON());
    if (Array.isArray(value)) {
      return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
    }
    const fields = Object.entries(value)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 (hex) over the previous entry's hash and this entry without its own hash. */
export function hashEntry(prevHash: string, entry: UnhashedEntry): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(entry)).digest('hex');
}

/** The entry without its `hash`, as it was when the hash was computed. */
export function unhashed(entry: AuditEvent): UnhashedEntry {
  const { hash: _hash, ...rest } = entry;
  return rest;
}

/**
 * Walks the chain in seq order and reports the first entry that does not fit. Takes an
 * iterable or async iterable so that a large log can be streamed in batches. When a `head` is
 * given (what the log stored as its last entry), the walk must end exactly there; without one,
 * a deleted last entry cannot be noticed.
 *
 * `firstBadSeq` is the seq where the chain first goes wrong: the edited entry
 * (`hash_mismatch`), the first missing seq (`missing_entry`), the entry whose `prevHash` does
 * not match its predecessor (`broken_link`), or the first seq the head and the entries
 * disagree on (`head_mismatch`).
 */
export async function verifyChain(
  entries: Iterable<AuditEvent> | AsyncIterable<AuditEvent>,
  head?: ChainHead,
): Promise<VerifyResult> {
  let last: ChainHead = EMPTY_HEAD;
  let count = 0;
  const bad = (firstBadSeq: number, problem: Exclude<VerifyResult, { ok: true }>['problem']) =>
    ({ ok: false, firstBadSeq, problem, count }) as const;

  for await (const entry of entries) {
    const expected = last.seq + 1;
    if (entry.seq > expected) return bad(expected, 'missing_entry');
    if (entry.seq < expected) return bad(entry.seq, 'broken_link');
    if (hashEntry(entry.prevHash, unhashed(entry)) !== entry.hash) {
      return bad(entry.seq, 'hash_mismatch');
    }
    if (entry.prevHash !== last.hash) return bad(entry.seq, 'broken_link');
    last = { seq: entry.seq, hash: entry.hash };
    count += 1;
  }

  if (head && head.seq !== last.seq) {
    return bad(Math.min(head.seq, last.seq) + 1, 'head_mismatch');
  }
  if (head && head.hash !== last.hash) return bad(last.seq, 'head_mismatch');
  return { ok: true, count, headHash: last.hash };
}
