import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  EMPTY_HEAD,
  GENESIS,
  hashEntry,
  unhashed,
  verifyChain,
} from '../../adapters/audit-chain.ts';
import { processIntegrity } from '../../adapters/integrity.ts';
import { MemoryAuditLog } from '../../adapters/memory/audit-log.ts';
import { MemoryRequestStore } from '../../adapters/memory/request-store.ts';
import type { AuditEvent } from '../../bot/core/domain/audit.ts';
import { auditLogContract } from '../contracts/audit-log.contract.ts';
import { requestStoreContract } from '../contracts/request-store.contract.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';

requestStoreContract('memory', async () => {
  const audit = new MemoryAuditLog();
  return { store: new MemoryRequestStore(audit), audit, teardown: async () => {} };
});

auditLogContract('memory', async () => ({ audit: new MemoryAuditLog(), teardown: async () => {} }));

/** A valid chain of `n` entries, built by the memory log. */
async function chain(n: number): Promise<AuditEvent[]> {
  const log = new MemoryAuditLog();
  for (let i = 0; i < n; i++) await log.append(makeEvent(makeRequest()));
  return [...(await log.list({ limit: n }))];
}

/** The key MemoryAuditLog chains with when given none. */
const KEY = processIntegrity();

const headOf = (entries: readonly AuditEvent[]) => {
  const last = entries.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : EMPTY_HEAD;
};

describe('audit hash chain', () => {
  it('hashes independently of key order', async () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    const [first] = await chain(1);
    if (!first) throw new Error('unreachable');
    const entry = unhashed(first);
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as typeof entry;
    expect(hashEntry(KEY, GENESIS, reordered)).toBe(hashEntry(KEY, GENESIS, entry));
  });

  it('accepts an intact chain and an empty one', async () => {
    const entries = await chain(4);
    expect(await verifyChain(KEY, entries, { head: headOf(entries) })).toEqual({
      ok: true,
      count: 4,
      headHash: entries[3]?.hash,
    });
    expect(await verifyChain(KEY, [], { head: EMPTY_HEAD })).toEqual({
      ok: true,
      count: 0,
      headHash: GENESIS,
    });
  });

  it('finds an edited entry', async () => {
    const entries = await chain(5);
    const edited = entries.map((e) => (e.seq === 3 ? { ...e, reason: 'nothing to see' } : e));
    expect(await verifyChain(KEY, edited, { head: headOf(entries) })).toEqual({
      ok: false,
      firstBadSeq: 3,
      problem: 'hash_mismatch',
      count: 2,
    });
  });

  it('finds an edited entry whose hash was recomputed without the key, at the entry itself', async () => {
    const entries = await chain(5);
    // What someone with only Redis can do: recompute a plain SHA-256 chain from the edit on.
    let prevHash = entries[1]?.hash ?? '';
    const forged = entries.map((e) => {
      if (e.seq < 3) return e;
      const changed = { ...unhashed(e), prevHash, ...(e.seq === 3 ? { reason: 'nothing' } : {}) };
      const hash = createHash('sha256')
        .update(prevHash)
        .update(canonicalJson(changed))
        .digest('hex');
      prevHash = hash;
      return { ...changed, hash };
    });
    expect(await verifyChain(KEY, forged, { head: headOf(forged) })).toEqual({
      ok: false,
      firstBadSeq: 3,
      problem: 'hash_mismatch',
      count: 2,
    });
  });

  it('finds a chain cut short with its head, reset to nothing, or rewritten, by its anchors', async () => {
    const entries = await chain(5);
    const anchors = [headOf(entries.slice(0, 2)), headOf(entries)];
    const cut = entries.slice(0, 3);
    expect(await verifyChain(KEY, cut, { head: headOf(cut), anchors })).toEqual({
      ok: false,
      firstBadSeq: 4,
      problem: 'truncated',
      count: 3,
    });
    expect(await verifyChain(KEY, [], { head: EMPTY_HEAD, anchors })).toEqual({
      ok: false,
      firstBadSeq: 1,
      problem: 'reset',
      count: 0,
    });
    const other = await chain(5);
    expect(await verifyChain(KEY, other, { head: headOf(other), anchors })).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      problem: 'anchor_mismatch',
    });
    expect(await verifyChain(KEY, entries, { head: headOf(entries), anchors })).toMatchObject({
      ok: true,
      count: 5,
    });
  });

  it('finds an edited entry whose hash was recomputed with the key, at the link after it', async () => {
    const entries = await chain(5);
    const forged = entries.map((e) => {
      if (e.seq !== 3) return e;
      const changed = { ...unhashed(e), reason: 'nothing to see' };
      return { ...changed, hash: hashEntry(KEY, changed.prevHash, changed) };
    });
    expect(await verifyChain(KEY, forged, { head: headOf(entries) })).toMatchObject({
      ok: false,
      firstBadSeq: 4,
      problem: 'broken_link',
    });
  });

  it('finds a deleted entry in the middle and at the start', async () => {
    const entries = await chain(5);
    const head = headOf(entries);
    expect(
      await verifyChain(
        KEY,
        entries.filter((e) => e.seq !== 3),
        { head },
      ),
    ).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: 'missing_entry',
    });
    expect(await verifyChain(KEY, entries.slice(1), { head: head })).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      problem: 'missing_entry',
    });
  });

  it('finds a deleted last entry only with the stored head', async () => {
    const entries = await chain(5);
    expect((await verifyChain(KEY, entries.slice(0, 4))).ok).toBe(true);
    expect(await verifyChain(KEY, entries.slice(0, 4), { head: headOf(entries) })).toEqual({
      ok: false,
      firstBadSeq: 5,
      problem: 'head_mismatch',
      count: 4,
    });
  });

  it('finds entries out of order and a head that does not match the last hash', async () => {
    const entries = await chain(3);
    const [a, b, c] = entries;
    if (!a || !b || !c) throw new Error('unreachable');
    expect(await verifyChain(KEY, [a, c, b], { head: headOf(entries) })).toMatchObject({
      problem: 'missing_entry',
      firstBadSeq: 2,
    });
    expect(await verifyChain(KEY, [a, b, b], { head: headOf(entries) })).toMatchObject({
      problem: 'broken_link',
      firstBadSeq: 2,
    });
    expect(await verifyChain(KEY, entries, { head: { seq: 3, hash: GENESIS } })).toMatchObject({
      problem: 'head_mismatch',
      firstBadSeq: 3,
    });
  });

  it('reads an async iterable', async () => {
    const entries = await chain(3);
    async function* stream() {
      yield* entries;
    }
    expect(await verifyChain(KEY, stream(), { head: headOf(entries) })).toMatchObject({
      ok: true,
      count: 3,
    });
  });
});
