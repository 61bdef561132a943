/**
 * The audit log in process memory, for unit tests and the sandbox without Redis. Hashes and
 * verifies with the same chain as the Redis log; events are kept as JSON so that a caller
 * cannot change a stored entry through an object it still holds.
 */
import type { AuditEvent, AuditEventInput } from '../../bot/core/domain/audit.ts';
import type {
  AuditLog,
  AuditQuery,
  ChainAnchor,
  VerifyResult,
} from '../../bot/core/ports/audit-log.ts';
import { type ChainHead, EMPTY_HEAD, hashEntry, verifyChain } from '../audit-chain.ts';
import { type Integrity, processIntegrity } from '../integrity.ts';

export class MemoryAuditLog implements AuditLog {
  readonly #entries: string[] = [];
  readonly #key: Integrity;
  #head: ChainHead = EMPTY_HEAD;

  constructor(key: Integrity = processIntegrity()) {
    this.#key = key;
  }

  async append(event: AuditEventInput): Promise<AuditEvent> {
    return this.appendNow(event);
  }

  /**
   * Appends without yielding to the event loop, so that the memory request store can write a
   * request and its event as one step, as the Redis script does.
   */
  appendNow(event: AuditEventInput): AuditEvent {
    const stored = JSON.parse(JSON.stringify(event)) as AuditEventInput;
    const unhashed = { ...stored, seq: this.#head.seq + 1, prevHash: this.#head.hash };
    const entry: AuditEvent = {
      ...unhashed,
      hash: hashEntry(this.#key, this.#head.hash, unhashed),
    };
    this.#entries.push(JSON.stringify(entry));
    this.#head = { seq: entry.seq, hash: entry.hash };
    return entry;
  }

  async list(query: AuditQuery): Promise<readonly AuditEvent[]> {
    const out: AuditEvent[] = [];
    // Entry n sits at index n - 1, so the entry after `afterSeq` is at index `afterSeq`.
    const start = Math.max(0, query.afterSeq ?? 0);
    for (let i = start; i < this.#entries.length && out.length < query.limit; i++) {
      const entry = this.#entry(i);
      if (query.since !== undefined && entry.at < query.since) continue;
      if (query.until !== undefined && entry.at > query.until) continue;
      out.push(entry);
    }
    return out;
  }

  async verify(anchors: readonly ChainAnchor[] = []): Promise<VerifyResult> {
    const entries = this.#entries.map((_, i) => this.#entry(i));
    return verifyChain(this.#key, entries, { head: this.#head, anchors });
  }

  #entry(index: number): AuditEvent {
    const json = this.#entries[index];
    if (json === undefined) throw new RangeError(`no audit entry at index ${index}`);
    return JSON.parse(json) as AuditEvent;
  }
}
