/**
 * Someone with access to Redis edits or deletes audit entries; verify must say where. A
 * stream entry cannot be changed in place, so an edit is simulated the way an attacker would
 * do it: read the stream, delete it, and add every entry back with one field changed. The
 * attacker has Redis, not the HMAC key, and not the anchors the bot logged outside Redis.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChainHead, canonicalJson } from '../../adapters/audit-chain.ts';
import { Integrity } from '../../adapters/integrity.ts';
import { AuditTamperedError, RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { redisKeys } from '../../adapters/redis/keys.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import type { AuditEvent } from '../../bot/core/domain/audit.ts';
import type { IntegrityIncident } from '../../bot/core/ports/integrity.ts';
import { addEntry, type EntryFields, readStream } from '../support/audit-stream.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

type Fields = EntryFields;

/** Re-adds every entry under its own id, passing each through `edit`; null leaves it out. */
async function rewriteStream(
  redis: Redis,
  key: string,
  edit: (seq: number, fields: Fields) => Fields | null,
): Promise<void> {
  const entries = await readStream(redis, key);
  await redis.del(key);
  for (const { id, fields } of entries) {
    const changed = edit(Number(id.split('-')[0]), fields);
    if (changed) await addEntry(redis, key, id, changed);
  }
}

describe('Redis audit log: tampering', () => {
  let env: FreshRedis;
  let audit: RedisAuditLog;
  let entries: AuditEvent[];
  const keys = () => redisKeys(env.prefix);
  const others: Redis[] = [];
  /** The log as another process sees it: its own connection, so no memory of what was written. */
  const elsewhereLog = () => {
    const other = env.redis.duplicate();
    others.push(other);
    return new RedisAuditLog(other, env.prefix);
  };

  beforeEach(async () => {
    env = await freshRedis();
    audit = new RedisAuditLog(env.redis, env.prefix);
    entries = [];
    for (let i = 0; i < 5; i++) entries.push(await audit.append(makeEvent(makeRequest())));
    expect((await audit.verify()).ok).toBe(true);
  });
  afterEach(async () => {
    for (const other of others.splice(0)) other.disconnect();
    await env.cleanup();
  });

  it('finds an edited entry', async () => {
    await rewriteStream(env.redis, keys().audit, (seq, f) =>
      seq === 3 ? { ...f, e: (f.e ?? '').replace('fixing mail flow', 'reading the CEO mail') } : f,
    );
    expect(await audit.verify()).toEqual({
      ok: false,
      firstBadSeq: 3,
      problem: 'hash_mismatch',
      count: 2,
    });
  });

  it('finds an edited entry whose chain and head were recomputed without the key', async () => {
    // Today's chain was plain SHA-256: recomputing every hash from the edit on, and the head,
    // made the forgery verify. Under the HMAC the edited entry itself fails.
    let prevHash = entries[1]?.hash ?? '';
    await rewriteStream(env.redis, keys().audit, (seq, f) => {
      const original = entries[seq - 1];
      if (seq < 3 || !original) return f;
      const { hash: _old, ...rest } = original;
      const forged = { ...rest, prevHash, ...(seq === 3 ? { reason: 'nothing to see' } : {}) };
      const { seq: _seq, prevHash: _prev, ...event } = forged;
      const h = createHash('sha256').update(prevHash).update(canonicalJson(forged)).digest('hex');
      prevHash = h;
      return { p: forged.prevHash, h, e: JSON.stringify(event) };
    });
    await env.redis.hset(keys().auditHead, 's', 5, 'h', prevHash);
    expect(await audit.verify()).toEqual({
      ok: false,
      firstBadSeq: 3,
      problem: 'hash_mismatch',
      count: 2,
    });
    // And nothing reads the forged entry as the record: export, history, SIEM all use list.
    await expect(audit.list({ limit: 10 })).rejects.toThrow(AuditTamperedError);
    expect((await audit.list({ limit: 2 })).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('finds entries cut off the end together with the head, against an anchor', async () => {
    const anchor: ChainHead = { seq: 5, hash: entries[4]?.hash ?? '' };
    const third = entries[2];
    if (!third) throw new Error('unreachable');
    await env.redis.xdel(keys().audit, '4-0', '5-0');
    await env.redis.hset(keys().auditHead, 's', 3, 'h', third.hash);
    // A fresh process (the audit:verify command) has only the anchor to go by.
    const elsewhere = elsewhereLog();
    expect((await elsewhere.verify()).ok).toBe(true);
    expect(await elsewhere.verify([anchor])).toEqual({
      ok: false,
      firstBadSeq: 4,
      problem: 'truncated',
      count: 3,
    });
    // The process that wrote entry 5 remembers it.
    expect(await audit.verify()).toMatchObject({ ok: false, problem: 'truncated' });
  });

  it('says so at the next write when the chain was cut short or reset under it', async () => {
    const seal = Integrity.ephemeral();
    const refused: IntegrityIncident[] = [];
    seal.onRefusal((incident) => refused.push(incident));
    const own = env.redis.duplicate();
    others.push(own);
    const log = new RedisAuditLog(own, `${env.prefix}:own`, seal);
    for (let i = 0; i < 3; i++) await log.append(makeEvent(makeRequest()));
    const k = redisKeys(`${env.prefix}:own`);
    await env.redis.del(k.audit, k.auditHead);
    await log.append(makeEvent(makeRequest()));
    expect(refused).toEqual([
      {
        kind: 'audit',
        name: k.auditHead,
        problem:
          'the head went back from entry 3 to 0: entries were cut off or the chain was reset',
      },
    ]);
    // The entry written before the reset stays this process's anchor.
    expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'truncated' });
    for (let i = 0; i < 2; i++) await log.append(makeEvent(makeRequest()));
    expect(await log.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: 'anchor_mismatch',
    });
  });

  it('finds a reset to zero entries, against an anchor', async () => {
    const anchor: ChainHead = { seq: 2, hash: entries[1]?.hash ?? '' };
    await env.redis.del(keys().audit, keys().auditHead);
    const elsewhere = elsewhereLog();
    expect(await elsewhere.verify()).toEqual({ ok: true, count: 0, headHash: expect.any(String) });
    expect(await elsewhere.verify([anchor])).toEqual({
      ok: false,
      firstBadSeq: 1,
      problem: 'reset',
      count: 0,
    });
  });

  it('finds an entry deleted from the middle', async () => {
    await env.redis.xdel(keys().audit, '3-0');
    expect(await audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: 'missing_entry',
    });
  });

  it('finds a deleted last entry against the stored head', async () => {
    await env.redis.xdel(keys().audit, '5-0');
    expect(await audit.verify()).toEqual({
      ok: false,
      firstBadSeq: 5,
      problem: 'head_mismatch',
      count: 4,
    });
  });

  it('finds a head that was deleted or wound back', async () => {
    const third = entries[2];
    if (!third) throw new Error('unreachable');
    await env.redis.hset(keys().auditHead, 's', 3, 'h', third.hash);
    expect(await audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 4,
      problem: 'head_mismatch',
    });
    await env.redis.del(keys().auditHead);
    expect(await audit.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      problem: 'head_mismatch',
    });
  });

  it('refuses to write after the head was deleted, and writes nothing', async () => {
    await env.redis.del(keys().auditHead);
    const store = new RedisRequestStore(env.redis, env.prefix);
    const request = makeRequest();
    await expect(store.create(request, makeEvent(request))).rejects.toThrow(/ID specified in XADD/);
    expect(await store.get(request.id)).toBeNull();
    expect(await env.redis.exists(keys().all, keys().auditHead)).toBe(0);
  });
});
