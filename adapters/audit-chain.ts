/**
 * The audit hash chain, shared by the in-memory and the Redis audit log so that both hash and
 * verify in exactly the same way: entry n stores the hash of entry n-1 (`prevHash`) and its own
 * hash, an HMAC-SHA256 under the audit key (adapters/integrity.ts, not in Redis) over
 * `prevHash` plus a canonical JSON of everything else. Editing an entry breaks its hash, and
 * without the key nobody can compute a new one; deleting one leaves a seq gap and a link that
 * points nowhere; deleting the last one leaves the stored head pointing past the end. What the
 * head cannot show (entries cut off the end together with the head, or everything deleted) an
 * anchor shows: a head recorded outside Redis (a log line, the SIEM) that the chain must still
 * contain.
 */
import type { AuditEvent } from '../bot/core/domain/audit.ts';
import type { VerifyResult } from '../bot/core/ports/audit-log.ts';
import type { Integrity } from './integrity.ts';

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

/** HMAC-SHA256 (hex) over the previous entry's hash and this entry without its own hash. */
export function hashEntry(key: Integrity, prevHash: string, entry: UnhashedEntry): string {
  return key.chainHash(prevHash, canonicalJson(entry));
}

/** `<seq>:<hash>`, as anchors are written to the log and given to `audit:verify`. */
export const anchorText = (head: ChainHead): string => `${head.seq}:${head.hash}`;

/** Every `<seq>:<64 hex>` in `text` (anchor log lines, a file of them, a flag's value). */
export function parseAnchors(text: string): ChainHead[] {
  return [...text.matchAll(/\b(\d+):([0-9a-f]{64})\b/g)].map((m) => ({
    seq: Number(m[1]),
    hash: m[2] ?? '',
  }));
}

/** The entry without its `hash`, as it was when the hash was computed. */
export function unhashed(entry: AuditEvent): UnhashedEntry {
  const { hash: _hash, ...rest } = entry;
  return rest;
}

export interface VerifyOptions {
  /** What the log stored as its last entry: the walk must end exactly there. */
  readonly head?: ChainHead;
  /** Heads recorded outside the store: each must still be in the chain, with that hash. */
  readonly anchors?: readonly ChainHead[];
}

/**
 * Walks the chain in seq order and reports the first entry that does not fit. Takes an
 * iterable or async iterable so that a large log can be streamed in batches. Without a head, a
 * deleted last entry cannot be noticed; without an anchor, neither can a chain cut short
 * together with its head, or deleted as a whole.
 *
 * `firstBadSeq` is the seq where the chain first goes wrong: the edited entry
 * (`hash_mismatch`), the first missing seq (`missing_entry`), the entry whose `prevHash` does
 * not match its predecessor (`broken_link`), the first seq the head and the entries
 * disagree on (`head_mismatch`), an anchored entry with another hash (`anchor_mismatch`), the
 * first seq missing below the highest anchor (`truncated`), or 1 when no entry is left of an
 * anchored chain (`reset`).
 */
export async function verifyChain(
  key: Integrity,
  entries: Iterable<AuditEvent> | AsyncIterable<AuditEvent>,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const { head } = options;
  const anchors = new Map((options.anchors ?? []).map((a) => [a.seq, a.hash]));
  const highest = Math.max(0, ...anchors.keys());
  let last: ChainHead = EMPTY_HEAD;
  let count = 0;
  const bad = (firstBadSeq: number, problem: Exclude<VerifyResult, { ok: true }>['problem']) =>
    ({ ok: false, firstBadSeq, problem, count }) as const;

  for await (const entry of entries) {
    const expected = last.seq + 1;
    if (entry.seq > expected) return bad(expected, 'missing_entry');
    if (entry.seq < expected) return bad(entry.seq, 'broken_link');
    if (hashEntry(key, entry.prevHash, unhashed(entry)) !== entry.hash) {
      return bad(entry.seq, 'hash_mismatch');
    }
    if (entry.prevHash !== last.hash) return bad(entry.seq, 'broken_link');
    const anchored = anchors.get(entry.seq);
    if (anchored !== undefined && anchored !== entry.hash) return bad(entry.seq, 'anchor_mismatch');
    last = { seq: entry.seq, hash: entry.hash };
    count += 1;
  }

  if (head && head.seq !== last.seq) {
    return bad(Math.min(head.seq, last.seq) + 1, 'head_mismatch');
  }
  if (head && head.hash !== last.hash) return bad(last.seq, 'head_mismatch');
  if (highest > last.seq) return bad(last.seq + 1, last.seq === 0 ? 'reset' : 'truncated');
  return { ok: true, count, headHash: last.hash };
}
