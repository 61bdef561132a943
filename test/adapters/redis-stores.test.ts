import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { redisKeys } from '../../adapters/redis/keys.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import { transition } from '../../bot/core/domain/transitions.ts';
import { auditLogContract } from '../contracts/audit-log.contract.ts';
import { requestStoreContract } from '../contracts/request-store.contract.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import {
  type FreshRedis,
  type FreshRedisOptions,
  freshRedis,
  keysUnder,
} from '../support/redis.ts';
import { people, roles } from '../support/tenant.ts';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

const stores = (options: FreshRedisOptions) => async () => {
  const env = await freshRedis(options);
  return {
    store: new RedisRequestStore(env.redis, env.prefix),
    audit: new RedisAuditLog(env.redis, env.prefix),
    teardown: env.cleanup,
  };
};

requestStoreContract('redis', stores({}));
auditLogContract('redis', stores({}));
// A Cluster hash tag as prefix, and a connection that may touch no key outside it.
requestStoreContract(
  'redis, hash-tag prefix, confined to it',
  stores({ name: '{elevate-test-*}', confined: true }),
);
auditLogContract(
  'redis, hash-tag prefix, confined to it',
  stores({ name: '{elevate-test-*}', confined: true }),
);

describe('Redis stores', () => {
  let env: FreshRedis;
  /** Extra connections on the same prefix, standing in for other replicas. */
  let replicas: RedisRequestStore[];
  const extra: Redis[] = [];

  beforeEach(async () => {
    env = await freshRedis();
    replicas = [new RedisRequestStore(env.redis, env.prefix)];
    for (let i = 0; i < 4; i++) {
      const connection = env.redis.duplicate();
      extra.push(connection);
      replicas.push(new RedisRequestStore(connection, env.prefix));
    }
  });
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((c) => c.quit()));
    await env.cleanup();
  });

  const replica = (i: number): RedisRequestStore => {
    const store = replicas[i % replicas.length];
    if (!store) throw new Error('no replica');
    return store;
  };

  it('keeps every key under the prefix, in the documented layout', async () => {
    const request = makeRequest();
    await replica(0).create(request, makeEvent(request));
    const next = transition(request, { type: 'approve', by: people.bob }, request.updatedAt + 1);
    if (!next.ok) throw new Error('fixture transition refused');
    await replica(1).update(next.value, makeEvent(next.value, 'request.approved'));

    const k = redisKeys(env.prefix);
    expect((await keysUnder(env.redis, env.prefix)).sort()).toEqual(
      [
        k.request(request.id),
        k.audit,
        k.auditHead,
        k.all,
        k.byUser(people.alice.id),
        k.byRole(roles.exchange.id),
        k.changed,
        // The first request of an empty store: nothing older to fill into idx:changed.
        k.changedSeq,
        // The pending_approval set went away with its last member.
        k.inState('approved'),
      ].sort(),
    );
    expect(await env.redis.type(k.audit)).toBe('stream');
    expect(await env.redis.hgetall(k.auditHead)).toMatchObject({ s: '2' });
    expect(await env.redis.type(k.request(request.id))).toBe('string');
    expect((await env.redis.getrange(k.request(request.id), 0, 1)).toString()).toBe('2\0');
    expect(await env.redis.zscore(k.changed, request.id)).toBe(String(next.value.updatedAt));
  });

  it('fills the change index once for requests stored before it existed', async () => {
    const k = redisKeys(env.prefix);
    const made = [];
    for (let i = 0; i < 5; i++) {
      const r = makeRequest({ createdAt: T0 + i * 1000, updatedAt: T0 + i * 1000 });
      await replica(0).create(r, makeEvent(r));
      made.push(r);
    }
    const old = made[0];
    if (!old) throw new Error('unreachable');
    const approved = transition(old, { type: 'approve', by: people.bob }, T0 + 60_000);
    if (!approved.ok) throw new Error('fixture transition refused');
    await replica(0).update(approved.value, makeEvent(approved.value, 'request.approved'));
    // As a store written by a version without the index: records and the other indexes only.
    await env.redis.del(k.changed, k.changedSeq);

    const upgraded = new RedisRequestStore(env.redis, env.prefix);
    const page = await upgraded.listChangedSince({ since: T0 + 3000, limit: 10 });
    expect(page.items.map((r) => r.id)).toEqual([made[3]?.id, made[4]?.id, old.id]);
    expect(page.items.at(-1)).toEqual(approved.value);
    expect(await env.redis.zcard(k.changed)).toBe(5);
    expect(await env.redis.get(k.changedSeq)).toBe('6');

    // Once filled no one fills again: a request left out now stays out.
    await env.redis.zrem(k.changed, made[4]?.id ?? '');
    const later = new RedisRequestStore(env.redis, env.prefix);
    const again = await later.listChangedSince({ since: T0 + 3000, limit: 10 });
    expect(again.items.map((r) => r.id)).toEqual([made[3]?.id, old.id]);
  });

  it('adds writes made by replicas of a version without the index, from the audit stream', async () => {
    const k = redisKeys(env.prefix);
    const [a, b] = [makeRequest({ createdAt: T0 }), makeRequest({ createdAt: T0 })];
    for (const r of [a, b]) await replica(0).create(r, makeEvent(r));
    expect(await env.redis.get(k.changedSeq)).toBe('2');
    // An old replica approves `a`: record and audit entry, but no score and no seq.
    const approved = transition(a, { type: 'approve', by: people.bob }, T0 + 60_000);
    if (!approved.ok) throw new Error('fixture transition refused');
    await replica(1).update(approved.value, makeEvent(approved.value, 'request.approved'));
    await env.redis.zadd(k.changed, T0, a.id);
    await env.redis.set(k.changedSeq, '2');
    // A new replica writes after it: its own score, but the seq stays behind the old write.
    const canceled = transition(b, { type: 'cancel', by: people.alice }, T0 + 61_000);
    if (!canceled.ok) throw new Error('fixture transition refused');
    await replica(2).update(canceled.value, makeEvent(canceled.value, 'request.canceled'));
    expect(await env.redis.get(k.changedSeq)).toBe('2');

    const page = await replica(3).listChangedSince({ since: T0 + 1, limit: 10 });
    expect(page.items).toEqual([approved.value, canceled.value]);
    expect(await env.redis.get(k.changedSeq)).toBe('4');
  });

  it('keeps a newer score when a write lands while the index is being filled', async () => {
    const k = redisKeys(env.prefix);
    const r = makeRequest({ createdAt: T0, updatedAt: T0 });
    await replica(0).create(r, makeEvent(r));
    await env.redis.del(k.changed, k.changedSeq);
    // The fill read the record at T0; a write then moved the request to T0 + 60 s.
    await env.redis.zadd(k.changed, T0 + 60_000, r.id);
    await replica(1).listChangedSince({ since: T0, limit: 10 });
    expect(await env.redis.zscore(k.changed, r.id)).toBe(String(T0 + 60_000));
  });

  it('gives a confined test connection no access outside its prefix', async () => {
    const confined = await freshRedis({ name: '{elevate-test-*}', confined: true });
    try {
      await expect(confined.redis.get(`${env.prefix}:idx:all`)).rejects.toThrow(/NOPERM/);
    } finally {
      await confined.cleanup();
    }
  });

  it('lets exactly one of 50 concurrent approvals through; the rest get conflict', async () => {
    const request = makeRequest();
    await replica(0).create(request, makeEvent(request));
    const approvers: Principal[] = Array.from({ length: 50 }, (_, i) => ({
      id: `u-approver-${i}`,
      displayName: `Approver ${i}`,
    }));

    // Everyone reads before anyone writes, as when 50 people click within the same instant.
    let read = 0;
    let allRead: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      allRead = resolve;
    });
    const results = await Promise.all(
      approvers.map(async (by, i) => {
        const store = replica(i);
        const current = await store.get(request.id);
        read += 1;
        if (read === approvers.length) allRead();
        await barrier;
        if (!current) throw new Error('request vanished');
        const next = transition(current, { type: 'approve', by }, current.updatedAt + 1000);
        if (!next.ok) throw new Error(next.error.code);
        return store.update(next.value, makeEvent(next.value, 'request.approved', by));
      }),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'conflict')).toHaveLength(49);
    const stored = await replica(0).get(request.id);
    expect(stored?.approvals).toHaveLength(1);
    expect(stored).toMatchObject({ state: 'approved', version: 2 });
    const audit = new RedisAuditLog(env.redis, env.prefix);
    const entries = await audit.list({ limit: 100 });
    expect(entries.filter((e) => e.action === 'request.approved')).toHaveLength(1);
    expect(await audit.verify()).toMatchObject({ ok: true, count: 2 });
  });

  it('keeps one gapless chain under concurrent writes from many requests and replicas', async () => {
    const requests = Array.from({ length: 20 }, () => makeRequest());
    const created = await Promise.all(requests.map((r, i) => replica(i).create(r, makeEvent(r))));
    expect(created.every((r) => r.ok)).toBe(true);

    const logs = [env.redis, ...extra].map((c) => new RedisAuditLog(c, env.prefix));
    const writes = await Promise.all([
      ...requests.map(async (r, i) => {
        const next = transition(r, { type: 'approve', by: people.bob }, r.updatedAt + 1000);
        if (!next.ok) throw new Error('fixture transition refused');
        return (await replica(i + 1).update(next.value, makeEvent(next.value, 'request.approved')))
          .ok;
      }),
      ...Array.from({ length: 10 }, async (_, i) => {
        const log = logs[i % logs.length];
        if (!log) throw new Error('no log');
        return (
          (await log.append(makeEvent(makeRequest(), 'history.exported', people.erin))).seq > 0
        );
      }),
    ]);
    expect(writes.every(Boolean)).toBe(true);

    const audit = new RedisAuditLog(env.redis, env.prefix);
    const entries = await audit.list({ limit: 1000 });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const r of requests) {
      const own = entries.filter((e) => e.requestId === r.id).map((e) => e.action);
      expect(own).toEqual(['request.submitted', 'request.approved']);
    }
    expect(await audit.verify()).toMatchObject({ ok: true, count: 50 });
  });

  it('lets Redis failures surface as exceptions', async () => {
    const closed = env.redis.duplicate({ enableOfflineQueue: false, lazyConnect: true });
    const store = new RedisRequestStore(closed, env.prefix);
    const request = makeRequest();
    await expect(store.create(request, makeEvent(request))).rejects.toThrow();
    await expect(store.get(request.id)).rejects.toThrow();
    await expect(new RedisAuditLog(closed, env.prefix).verify()).rejects.toThrow();
    closed.disconnect();
  });
});
