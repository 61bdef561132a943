/**
 * Request records as someone with Redis access would change them: a byte of the JSON or the
 * state rewritten, a sealed record copied under another id, its seal cut off, an id added to a
 * state set. None is read as a request.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Integrity } from '../../adapters/integrity.ts';
import { redisKeys } from '../../adapters/redis/keys.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import type { IntegrityIncident } from '../../bot/core/ports/integrity.ts';
import { makeEvent, makeRequest } from '../support/fixtures.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

describe('sealed request records', () => {
  let env: FreshRedis;
  let store: RedisRequestStore;
  let refused: IntegrityIncident[];
  const keys = () => redisKeys(env.prefix);

  beforeEach(async () => {
    env = await freshRedis();
    const seal = Integrity.ephemeral();
    refused = [];
    seal.onRefusal((incident) => refused.push(incident));
    store = new RedisRequestStore(env.redis, env.prefix, seal);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('keeps working through create and compare-and-set updates', async () => {
    const request = makeRequest();
    await store.create(request, makeEvent(request));
    const approved = { ...request, version: 2, state: 'approved' as const };
    expect((await store.update(approved, makeEvent(approved, 'request.approved'))).ok).toBe(true);
    expect(await store.get(request.id)).toEqual(approved);
    expect(await store.listInStates(['approved'])).toEqual([approved]);
    expect(refused).toEqual([]);
  });

  /** The record as stored (scripts.ts): version, NUL, state, NUL, 32-byte seal, JSON. */
  const replace = async (key: string, from: string, to: string) => {
    const raw = (await env.redis.getBuffer(key)) ?? Buffer.alloc(0);
    const at = raw.indexOf(from);
    expect(at).toBeGreaterThanOrEqual(0);
    const next = Buffer.concat([
      raw.subarray(0, at),
      Buffer.from(to),
      raw.subarray(at + from.length),
    ]);
    await env.redis.set(key, next);
  };

  it('refuses a record rewritten in Redis, in get, in lists and in state queries', async () => {
    const request = makeRequest();
    await store.create(request, makeEvent(request));
    const key = keys().request(request.id);
    const stored = (await env.redis.getBuffer(key)) ?? Buffer.alloc(0);
    // durationSeconds (`g`, record-codec.ts) from 2 to 8 hours.
    await replace(key, '"g":7200', '"g":28800');
    expect(await store.get(request.id)).toBeNull();
    expect((await store.listAll({ limit: 10 })).items).toEqual([]);
    expect(await store.listInStates(['pending_approval'])).toEqual([]);
    expect(refused[0]).toEqual({
      kind: 'request',
      name: key,
      problem: 'its seal does not match its content',
    });
    // The state alone, too: the seal covers every part of the record.
    await env.redis.set(key, stored);
    expect(await store.get(request.id)).toEqual(request);
    await replace(key, '\0pending_approval\0', '\0approved\0');
    expect(await store.get(request.id)).toBeNull();
  });

  it('refuses a sealed record copied under another id, and one without a seal', async () => {
    const a = makeRequest();
    const b = makeRequest();
    await store.create(a, makeEvent(a));
    await store.create(b, makeEvent(b));
    // Byte for byte: the seal is binary, and a copy read as text would break it anyway.
    const copy = (await env.redis.getBuffer(keys().request(a.id))) ?? Buffer.alloc(0);
    await env.redis.set(keys().request(b.id), copy);
    expect(await store.get(b.id)).toBeNull();
    // Cut after the state: no seal and no JSON left to check it against.
    await env.redis.set(keys().request(a.id), copy.subarray(0, copy.indexOf(0, 2) + 1));
    expect(await store.get(a.id)).toBeNull();
    expect(refused.map((r) => r.problem)).toEqual([
      'its seal does not match its content',
      'it has no seal',
    ]);
  });

  it('trusts the sealed state, not the state set an id was added to', async () => {
    const request = makeRequest();
    await store.create(request, makeEvent(request));
    await env.redis.sadd(keys().inState('active'), request.id);
    expect(await store.listInStates(['active'])).toEqual([]);
  });
});
