/**
 * One chain of audit entries, written by every Redis writer of a process (request store and
 * audit log alike).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEvent, AuditEventInput } from '../../bot/core/domain/audit.ts';
import { type ChainHead, EMPTY_HEAD, hashEntry } from '../audit-chain.ts';
import type { Integrity } from '../integrity.ts';
import { encodeEventJson } from './audit-codec.ts';
import type { RedisKeys } from './keys.ts';
import { type LuaScript, type RedisClient, runScript } from './scripts.ts';

/** Enough for dozens of replicas appending at once; beyond that something is wrong. */
const MAX_ATTEMPTS = 50;
export type ChainedOutcome<Refusal extends string> =
  | { readonly ok: true; readonly entry: AuditEvent }
  | { readonly ok: false; readonly refusal: Refusal };

/** Told of a new head whose seq is a multiple of `every`, to record it outside Redis. */
export interface AnchorSink {
  readonly every: number;
  record(head: ChainHead): void;
}

/**
 * Runs a write script together with its audit entry. The HMAC is computed here, not in Lua: the
 * script only checks that the head we hashed against is still the head. When another writer
 * appended first it writes nothing and reports the new head; we hash again and retry. A
 * precondition the script refuses (`exists`, `conflict`) is an answer, returned at once.
 *
 * Writes through one writer run one at a time: racing each other inside one process would only
 * turn into head_moved retries, so only other processes cause retries. Get the writer with
 * chainWriter(), so that the request store and the audit log of one process share it.
 */
export class ChainWriter {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly key: Integrity;
  /** The last head this process saw: a guess that saves a read, corrected by the script. */
  #head: ChainHead | null = null;
  /**
   * The highest entry this process wrote itself: an anchor kept in memory, so the scheduled
   * check notices a chain cut short or reset below it even before anyone compares logs.
   */
  #written: ChainHead | null = null;
  #sink: AnchorSink | null = null;
  /** Settles when every write queued so far has finished. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: RedisClient, keys: RedisKeys, key: Integrity) {
    this.#client = client;
    this.#keys = keys;
    this.key = key;
  }

  /** Records every `every`-th head outside Redis from now on (bot/storage.ts: a log line). */
  anchorTo(sink: AnchorSink): void {
    if (!Number.isInteger(sink.every) || sink.every < 1)
      throw new RangeError('anchors are recorded every 1 or more entries');
    this.#sink = sink;
  }

  /** The newest head this process wrote, if any. */
  get written(): ChainHead | null {
    return this.#written;
  }

  async readHead(): Promise<ChainHead> {
    const [seq, hash] = await this.#client.hmget(this.#keys.auditHead, 's', 'h');
    if (typeof seq !== 'string' || typeof hash !== 'string') return EMPTY_HEAD;
    return { seq: Number(seq), hash };
  }

  /**
   * Runs `script` with the chain block (scripts.ts) in front of `keys` and `args`. Throws when
   * Redis fails, the script answers something unexpected, or the head kept moving.
   */
  write<Refusal extends string>(
    script: LuaScript,
    refusals: readonly Refusal[],
    keys: readonly string[],
    args: readonly (string | number | Buffer)[],
    event: AuditEventInput,
  ): Promise<ChainedOutcome<Refusal>> {
    const run = this.#queue.then(() => this.#write(script, refusals, keys, args, event));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The head is behind an entry this process wrote: entries were cut off the end or the chain
   * was reset. Said at once; the write goes on (the bot keeps working, and the anchors keep
   * the evidence), and verify reports it as `truncated` or `reset`.
   */
  #wentBack(moved: ChainHead): void {
    const written = this.#written;
    if (!written || moved.seq >= written.seq) return;
    this.key.refused({
      kind: 'audit',
      name: this.#keys.auditHead,
      problem: `the head went back from entry ${written.seq} to ${moved.seq}: entries were cut off or the chain was reset`,
    });
  }

  async #write<Refusal extends string>(
    script: LuaScript,
    refusals: readonly Refusal[],
    keys: readonly string[],
    args: readonly (string | number | Buffer)[],
    event: AuditEventInput,
  ): Promise<ChainedOutcome<Refusal>> {
    // Hash what a reader will parse back, so that verify sees exactly the object we hashed.
    const json = JSON.stringify(event);
    const stored = JSON.parse(json) as AuditEventInput;
    const encoded = encodeEventJson(json);
    let head = this.#head ?? (await this.readHead());
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const unhashed = { ...stored, seq: head.seq + 1, prevHash: head.hash };
      const hash = hashEntry(this.key, head.hash, unhashed);
      const reply = await runScript(
        this.#client,
        script,
        [this.#keys.audit, this.#keys.auditHead, ...keys],
        [head.seq, head.hash, unhashed.seq, hash, encoded, ...args],
      );
      if (reply === 'ok') {
        this.#head = { seq: unhashed.seq, hash };
        // Never lowered: after a reset, the entry written before it stays the anchor.
        if (!this.#written || this.#head.seq > this.#written.seq) this.#written = this.#head;
        if (this.#sink && unhashed.seq % this.#sink.every === 0) this.#sink.record(this.#head);
        return { ok: true, entry: { ...unhashed, hash } };
      }
      const refusal = refusals.find((r) => r === reply);
      if (refusal !== undefined) return { ok: false, refusal };
      const moved = movedHead(reply);
      if (moved === null) throw new Error(`unexpected reply from audit script: ${String(reply)}`);
      this.#wentBack(moved);
      this.#head = moved;
      head = moved;
      // The first retry usually follows a stale guess; later ones are contention, so spread out.
      if (attempt > 0) await sleep(Math.random() * Math.min(2 * attempt, 20));
    }
    throw new Error(`audit head kept moving: gave up after ${MAX_ATTEMPTS} attempts`);
  }
}

const writers = new WeakMap<RedisClient, Map<string, ChainWriter>>();

/** The one writer for this client and prefix; every user of it must bring the same key. */
export function chainWriter(client: RedisClient, keys: RedisKeys, key: Integrity): ChainWriter {
  const byPrefix = writers.get(client) ?? new Map<string, ChainWriter>();
  writers.set(client, byPrefix);
  const writer = byPrefix.get(keys.prefix) ?? new ChainWriter(client, keys, key);
  if (writer.key !== key)
    throw new Error(`the audit chain under ${keys.prefix} is already written with another key`);
  byPrefix.set(keys.prefix, writer);
  return writer;
}

function movedHead(reply: unknown): ChainHead | null {
  if (!Array.isArray(reply) || reply[0] !== 'head_moved') return null;
  const [, seq, hash] = reply as unknown[];
  if (typeof seq !== 'string' || typeof hash !== 'string') return null;
  return { seq: Number(seq), hash };
}
