/**
 * What the Redis stores keep, and that they still read what earlier versions wrote. Audit
 * entries are compact (the hash as 32 bytes, no prevHash, the event deflated, audit-codec.ts) and a
 * record is one string with a 32-byte seal and short keys (scripts.ts, record-codec.ts); a chain
 * and records written in the earlier formats (hex hashes and seals, hashes of plain JSON)
 * verify, list and read as before, and new writes carry on from them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, EMPTY_HEAD, hashEntry } from '../../adapters/audit-chain.ts';
import { Integrity } from '../../adapters/integrity.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { redisKeys } from '../../adapters/redis/keys.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import type { AuditEvent } from '../../bot/core/domain/audit.ts';
import type { IntegrityIncident } from '../../bot/core/ports/integrity.ts';
import { addEntry } from '../support/audit-stream.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

const REASON = 'fixing mail flow for the Amsterdam office after the MX change';

describe('Redis stored formats', () => {
  let env: FreshRedis;
  let key: Integrity;
  let refused: IntegrityIncident[];
  const keys = () => redisKeys(env.prefix);

  beforeEach(async () => {
    env = await freshRedis();
    key = Integrity.ephemeral();
    refused = [];
    key.onRefusal((incident) => refused.push(incident));
  });
  afterEach(async () => {
    await env.cleanup();
  });

  /** Three entries as the earlier version wrote them: hex hashes, the event as plain JSON. */
  async function legacyChain(): Promise<AuditEvent[]> {
    const written: AuditEvent[] = [];
    let head = EMPTY_HEAD;
    for (let seq = 1; seq <= 3; seq++) {
      const event = JSON.parse(JSON.stringify(makeEvent(makeRequest({ reason: REASON }))));
      const unhashed = { ...event, seq, prevHash: head.hash };
      const hash = hashEntry(key, head.hash, unhashed);
      await addEntry(
        env.redis,
        keys().audit,
        `${seq}-0`,
        { p: head.hash, h: hash, e: JSON.stringify(event) },
        'legacy',
      );
      written.push({ ...unhashed, hash });
      head = { seq, hash };
    }
    await env.redis.hset(keys().auditHead, 's', head.seq, 'h', head.hash);
    return written;
  }

  it('stores an audit entry in a few hundred bytes: its hash as 32 bytes, no prevHash', async () => {
    const audit = new RedisAuditLog(env.redis, env.prefix, key);
    const entry = await audit.append(makeEvent(makeRequest({ reason: REASON })));
    const [[, fields] = ['', []]] = await env.redis.xrangeBuffer(keys().audit, '-', '+');
    const stored = new Map<string, Buffer>();
    for (let i = 0; i + 1 < fields.length; i += 2) {
      stored.set(fields[i]?.toString() ?? '', fields[i + 1] ?? Buffer.alloc(0));
    }
    expect(stored.get('h')?.toString('hex')).toBe(entry.hash);
    // No prevHash: the entry before has it (GENESIS for the first).
    expect([...stored.keys()]).toEqual(['h', 'e']);
    expect(entry.prevHash).toBe(EMPTY_HEAD.hash);
    const json = canonicalJson(makeEvent(makeRequest({ reason: REASON })));
    expect(stored.get('e')?.length).toBeLessThan(json.length / 2);
    // The head and anchors keep the hex everyone outside Redis knows.
    expect(await env.redis.hget(keys().auditHead, 'h')).toBe(entry.hash);
    expect(await audit.list({ limit: 5 })).toEqual([entry]);
  });

  it('verifies and lists a chain written in the earlier format, and appends to it', async () => {
    const old = await legacyChain();
    const audit = new RedisAuditLog(env.redis, env.prefix, key);
    expect(await audit.verify()).toEqual({ ok: true, count: 3, headHash: old[2]?.hash });
    const next = await audit.append(makeEvent(makeRequest()));
    expect(next.prevHash).toBe(old[2]?.hash);
    const more = await audit.append(makeEvent(makeRequest()));
    expect(await audit.list({ limit: 10 })).toEqual([...old, next, more]);
    // A page after an entry takes the prevHash of the next one from it, in either format.
    expect(await audit.list({ limit: 10, afterSeq: 3 })).toEqual([next, more]);
    expect(await audit.list({ limit: 1, afterSeq: 4 })).toEqual([more]);
    const anchors = [{ seq: 2, hash: old[1]?.hash ?? '' }];
    expect(await audit.verify(anchors)).toEqual({ ok: true, count: 5, headHash: more.hash });
    expect(refused).toEqual([]);
  });

  it('still finds an edit in an entry of the earlier format', async () => {
    const old = await legacyChain();
    const edited = JSON.stringify({ ...makeEvent(makeRequest()), reason: 'nothing to see' });
    const second = old[1];
    await env.redis.xdel(keys().audit, '2-0');
    // XADD refuses ids below the last one, so the edit goes to a copy of the stream.
    const entries = await env.redis.xrangeBuffer(keys().audit, '-', '+');
    await env.redis.del(keys().audit);
    for (const [id, flat] of entries) {
      if (id.toString() === '3-0' && second) {
        await addEntry(
          env.redis,
          keys().audit,
          '2-0',
          { p: second.prevHash, h: second.hash, e: edited },
          'legacy',
        );
      }
      await env.redis.xadd(keys().audit, id, ...flat);
    }
    const audit = new RedisAuditLog(env.redis, env.prefix, key);
    expect(await audit.verify()).toEqual({
      ok: false,
      firstBadSeq: 2,
      problem: 'hash_mismatch',
      count: 1,
    });
  });

  it('reads a record sealed in the earlier format (hex seal) and rewrites it in the new one', async () => {
    const store = new RedisRequestStore(env.redis, env.prefix, key);
    const request = makeRequest({ reason: REASON });
    const name = keys().request(request.id);
    const json = JSON.stringify(request);
    const seal = key.seal('record', name, `1\0${request.state}\0${json}`);
    await env.redis.hset(name, 'v', '1', 's', request.state, 'd', json, 'm', seal);
    await env.redis.zadd(keys().all, request.createdAt, request.id);
    expect(await store.get(request.id)).toEqual(request);
    expect((await store.listAll({ limit: 5 })).items).toEqual([request]);

    const approved = { ...request, version: 2, state: 'approved' as const };
    expect((await store.update(approved, makeEvent(approved, 'request.approved'))).ok).toBe(true);
    expect(await env.redis.type(name)).toBe('string');
    expect(await store.get(request.id)).toEqual(approved);
    // A hex seal that does not match is refused like any other.
    await env.redis.del(name);
    await env.redis.hset(name, 'v', '2', 's', 'approved', 'd', json, 'm', seal);
    expect(await store.get(request.id)).toBeNull();
    expect(refused.map((r) => r.problem)).toEqual(['its seal does not match its content']);
  });

  it('reads a record kept as a hash with a 32-byte seal and plain JSON, and rewrites it as one string', async () => {
    const store = new RedisRequestStore(env.redis, env.prefix, key);
    const request = makeRequest({ reason: REASON });
    const name = keys().request(request.id);
    const json = JSON.stringify(request);
    const seal = key.sealBytes('record', name, ['1', request.state, json]);
    await env.redis.hset(name, 'v', '1', 's', request.state, 'd', json, 'm', seal);
    await env.redis.zadd(keys().all, request.createdAt, request.id);
    await env.redis.sadd(keys().inState(request.state), request.id);
    expect(await store.get(request.id)).toEqual(request);
    expect(await store.listInStates([request.state])).toEqual([request]);

    const approved = { ...request, version: 2, state: 'approved' as const };
    expect((await store.update(approved, makeEvent(approved, 'request.approved'))).ok).toBe(true);
    // A stale update against the old version is still refused after the format changed.
    expect((await store.update(approved, makeEvent(approved, 'request.approved'))).ok).toBe(false);
    const raw = (await env.redis.getBuffer(name)) ?? Buffer.alloc(0);
    expect(raw.subarray(0, 11).toString('latin1')).toBe('2\0approved\0');
    // Short keys behind `~`, the 60-character reason as written: far smaller than the JSON.
    expect(raw.subarray(11 + 32, 12 + 32).toString()).toBe('~');
    expect(raw.length).toBeLessThan(11 + 32 + json.length * 0.8);
    expect(await store.get(request.id)).toEqual(approved);
    expect(await store.listInStates(['approved'])).toEqual([approved]);
    expect(refused).toEqual([]);
  });
});
