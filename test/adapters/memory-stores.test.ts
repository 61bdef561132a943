import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  EMPTY_HEAD,
  GENESIS,
  hashEntry,
  unhashed,
  verifyChain,
} from '../../adapters/audit-chain.ts';
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
    expect(hashEntry(GENESIS, reordered)).toBe(hashEntry(GENESIS, entry));
  });

  it('accepts an intact chain and an empty one', async () => {
    const entries = await chain(4);
    expect(await verifyChain(entries, headOf(entries))).toEqual({
      ok: true,
      count: 4,
      headHash: entries[3]?.hash,
    });
    expect(await verifyChain([], EMPTY_HEAD)).toEqual({ ok: true, count: 0, headHash: GENESIS });
  });

  it('finds an edited entry', async () => {
    const entries = await chain(5);
    const edited = entries.map((e) => (e.seq === 3 ? { ...e, reason: 'nothing to see' } : e));
    expect(await verifyChain(edited, headOf(entries))).toEqual({
      ok: false,
      firstBadSeq: 3,
      problem: 'hash_mismatch',
      count: 2,
    });
  });

  it('finds an edited entry whose hash was recomputed, at the link after it', async () => {
    const entries = await chain(5);
    const forged = entries.map((e) => {
      if (e.seq !== 3) return e;
      const changed = { ...unhashed(e), reason: 'nothing to see' };
      return { ...changed, hash: hashEntry(changed.prevHash, changed) };
    });
    expect(await verifyChain(forged, headOf(entries))).toMatchObject({
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
        entries.filter((e) => e.seq !== 3),
        head,
      ),
    ).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: 'missing_entry',
    });
    expect(await verifyChain(entries.slice(1), head)).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      problem: 'missing_entry',
    });
  });

  it('finds a deleted last entry only with the stored head', async () => {
    const entries = await chain(5);
    expect((await verifyChain(entries.slice(0, 4))).ok).toBe(true);
    expect(await verifyChain(entries.slice(0, 4), headOf(entries))).toEqual({
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
    expect(await verifyChain([a, c, b], headOf(entries))).toMatchObject({
      problem: 'missing_entry',
      firstBadSeq: 2,
    });
    expect(await verifyChain([a, b, b], headOf(entries))).toMatchObject({
      problem: 'broken_link',
      firstBadSeq: 2,
    });
    expect(await verifyChain(entries, { seq: 3, hash: GENESIS })).toMatchObject({
      problem: 'head_mismatch',
      firstBadSeq: 3,
    });
  });

  it('reads an async iterable', async () => {
    const entries = await chain(3);
    async function* stream() {
      yield* entries;
    }
    expect(await verifyChain(stream(), headOf(entries))).toMatchObject({ ok: true, count: 3 });
  });
});
