/**
 * The audit log on a Redis Stream. Entry ids are `<seq>-0`, so paging by seq is a plain
 * XRANGE; each entry holds `h` (hash) and `e` (the event), compactly (audit-codec.ts; entries
 * of the earlier format also `p`, the prevHash), and
 * `audit:head` holds the seq and hash of the last entry. Appends go through ChainWriter, which
 * the request store shares, so transitions and stand-alone events form one chain.
 *
 * Reads check what they return: `list` (history, export, SIEM forwarding) hands out only
 * entries whose HMAC holds and which follow one another without a gap; anything else is
 * refused with AuditTamperedError and reported, never shown as if it were the record.
 */
import type { AuditEvent, AuditEventInput } from '../../bot/core/domain/audit.ts';
import type {
  AuditLog,
  AuditQuery,
  ChainAnchor,
  VerifyResult,
} from '../../bot/core/ports/audit-log.ts';
import { GENESIS, hashEntry, unhashed, verifyChain } from '../audit-chain.ts';
import { type Integrity, processIntegrity } from '../integrity.ts';
import { decodeEventJson, hashText } from './audit-codec.ts';
import { type AnchorSink, type ChainWriter, chainWriter } from './chain-writer.ts';
import { type RedisKeys, redisKeys } from './keys.ts';
import { appendScript, type RedisClient } from './scripts.ts';

/** Entries read per XRANGE when walking the log, so a long log is never loaded at once. */
const BATCH = 1000;

export class AuditTamperedError extends Error {
  override readonly name = 'AuditTamperedError';
  readonly seq: number;
  constructor(seq: number) {
    super(
      `the audit trail failed its integrity check at entry ${seq}; nothing after it is shown. Run \`npm run audit:verify\` and treat Redis as compromised.`,
    );
    this.seq = seq;
  }
}

export class RedisAuditLog implements AuditLog {
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

  /** Records every `every`-th new head outside Redis (see ChainWriter). */
  anchorTo(sink: AnchorSink): void {
    this.#writer.anchorTo(sink);
  }

  async append(event: AuditEventInput): Promise<AuditEvent> {
    const outcome = await this.#writer.write(appendScript, [], [], [], event);
    if (!outcome.ok) throw new Error(`audit append refused: ${outcome.refusal}`);
    return outcome.entry;
  }

  /** Oldest first. A time filter reads on past entries that do not match, batch by batch. */
  async list(query: AuditQuery): Promise<readonly AuditEvent[]> {
    const out: AuditEvent[] = [];
    if (query.limit <= 0) return out;
    const filtered = query.since !== undefined || query.until !== undefined;
    const afterSeq = query.afterSeq ?? 0;
    const entries = this.#entries(afterSeq, '+', filtered ? BATCH : query.limit);
    let expected = afterSeq + 1;
    let prevHash: string | null = null;
    for await (const entry of entries) {
      this.#checkEntry(entry, expected, prevHash);
      expected = entry.seq + 1;
      prevHash = entry.hash;
      if (query.since !== undefined && entry.at < query.since) continue;
      if (query.until !== undefined && entry.at > query.until) continue;
      out.push(entry);
      if (out.length >= query.limit) break;
    }
    return out;
  }

  /**
   * Walks the log as it stood when the walk began (up to the head read first), so appends
   * made meanwhile do not count as damage. Entries past that head are damage only if the head
   * still does not cover them afterwards: the head was reset or deleted. Besides the anchors
   * given (from the log or the SIEM), the newest entry this process wrote is one.
   */
  async verify(anchors: readonly ChainAnchor[] = []): Promise<VerifyResult> {
    const head = await this.#writer.readHead();
    const written = this.#writer.written;
    const result = await verifyChain(this.#key, this.#entries(0, `${head.seq}-0`, BATCH), {
      head,
      anchors: written ? [...anchors, written] : anchors,
    });
    const cutShort = !result.ok && (result.problem === 'truncated' || result.problem === 'reset');
    if (!result.ok && !cutShort) return result;
    const [beyond] = await this.#client.xrange(this.#keys.audit, after(head.seq), '+', 'COUNT', 1);
    if (beyond === undefined) return result;
    const now = await this.#writer.readHead();
    if (now.seq >= seqOf(beyond[0])) return result;
    return { ok: false, firstBadSeq: head.seq + 1, problem: 'head_mismatch', count: result.count };
  }

  /** Refuses (and reports) an entry that is not the authentic next one. */
  #checkEntry(entry: AuditEvent, expected: number, prevHash: string | null): void {
    const problem =
      entry.seq !== expected
        ? `entry ${expected} is missing`
        : hashEntry(this.#key, entry.prevHash, unhashed(entry)) !== entry.hash
          ? 'its HMAC does not match its content'
          : prevHash !== null && entry.prevHash !== prevHash
            ? 'it does not link to the entry before it'
            : null;
    if (problem === null) return;
    const seq = Math.min(entry.seq, expected);
    this.#key.refused({ kind: 'audit', name: `${this.#keys.audit}#${seq}`, problem });
    throw new AuditTamperedError(seq);
  }

  /**
   * The entries after `afterSeq` up to `end`, `count` per read. Entries stored without `p`
   * (audit-codec.ts) get the hash of the entry read before them as prevHash, so a walk that
   * starts after an entry reads that entry too; GENESIS when the walk starts at the beginning.
   */
  async *#entries(afterSeq: number, end: string, count: number): AsyncGenerator<AuditEvent> {
    let start = afterSeq <= 0 ? '-' : `${afterSeq}-0`;
    let prevHash = afterSeq <= 0 ? GENESIS : '';
    for (;;) {
      const batch = await this.#client.xrangeBuffer(this.#keys.audit, start, end, 'COUNT', count);
      for (const entry of batch) {
        const event = toEvent(entry, prevHash);
        prevHash = event.hash;
        if (event.seq > afterSeq) yield event;
      }
      const last = batch.at(-1);
      if (last === undefined || batch.length < count) return;
      start = `(${last[0].toString('latin1')}`;
    }
  }
}

/** The XRANGE start just after `seq`: exclusive bounds need Redis 6.2. */
const after = (seq: number): string => (seq <= 0 ? '-' : `(${seq}-0`);

const seqOf = (id: string): number => Number(id.slice(0, id.indexOf('-')));

/**
 * A stream entry as an event, in either stored format (audit-codec.ts). Lenient on purpose: a
 * damaged entry must reach verify (where its hash will not match) instead of stopping the walk
 * with an exception.
 */
function toEvent([id, fields]: [Buffer, Buffer[]], before: string): AuditEvent {
  const field = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    field.set(fields[i]?.toString('latin1') ?? '', fields[i + 1] ?? Buffer.alloc(0));
  }
  const e = field.get('e');
  let event: AuditEventInput;
  try {
    event = JSON.parse(e ? decodeEventJson(e) : '') as AuditEventInput;
  } catch {
    event = { unreadable: e?.toString('base64') ?? null } as unknown as AuditEventInput;
  }
  const hash = (name: string) => {
    const stored = field.get(name);
    return stored ? hashText(stored) : '';
  };
  const prevHash = field.has('p') ? hash('p') : before;
  return { ...event, seq: seqOf(id.toString('latin1')), prevHash, hash: hash('h') };
}
