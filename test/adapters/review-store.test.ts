/**
 * The review store, in memory and on Redis (also confined to a Cluster hash-tag prefix): a
 * period's review is created once, updates are compare-and-set, open and recent lists follow
 * every write, and a review edited in Redis is refused rather than acted on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Integrity } from '../../adapters/integrity.ts';
import { MemoryReviewStore } from '../../adapters/memory/review-store.ts';
import { RedisReviewStore } from '../../adapters/redis/review-store.ts';
import type { Review } from '../../bot/core/domain/review.ts';
import type { ReviewStore } from '../../bot/core/ports/review-store.ts';
import { freshRedis } from '../support/redis.ts';
import { people, roles, target } from '../support/tenant.ts';

const T0 = Date.UTC(2026, 11, 1, 9);

const review = (id: string, createdAt = T0): Review => ({
  id,
  version: 1,
  target: target(roles.exchange),
  typed: 'Exchange Administrator',
  reviewers: ['bob@contoso.com'],
  periodStart: createdAt - 90 * 86_400_000,
  createdAt,
  remindAt: createdAt + 7 * 86_400_000,
  dueAt: createdAt + 14 * 86_400_000,
  remindedAt: null,
  overdueAt: null,
  closedAt: null,
  items: [
    {
      principalId: people.alice.id,
      type: 'user',
      name: people.alice.displayName,
      scope: '/',
      lastActivation: null,
      activations: 0,
      lastSignIn: null,
      decision: null,
    },
  ],
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const makers: [string, () => Promise<ReviewStore>][] = [
  ['memory', async () => new MemoryReviewStore()],
  [
    'redis',
    async () => {
      const env = await freshRedis();
      cleanups.push(env.cleanup);
      return new RedisReviewStore(env.redis, env.prefix, Integrity.ephemeral());
    },
  ],
  [
    'redis, hash-tag prefix, confined to it',
    async () => {
      const env = await freshRedis({ name: '{elevate-test-*}', confined: true });
      cleanups.push(env.cleanup);
      return new RedisReviewStore(env.redis, env.prefix, Integrity.ephemeral());
    },
  ],
];

describe.each(makers)('review store (%s)', (_name, make) => {
  it('creates a review once and updates it only from the version it read', async () => {
    const store = await make();
    expect((await store.create(review('rv-exo-1'))).ok).toBe(true);
    expect(await store.create(review('rv-exo-1'))).toEqual({ ok: false, error: 'exists' });
    const first = await store.get('rv-exo-1');
    if (!first) throw new Error('stored review not found');
    const next = { ...first, version: 2, remindedAt: T0 + 1 };
    expect((await store.update(next)).ok).toBe(true);
    // A writer that read version 1 lost the race: nothing changes.
    expect(await store.update({ ...first, version: 2, overdueAt: T0 })).toEqual({
      ok: false,
      error: 'conflict',
    });
    expect(await store.get('rv-exo-1')).toEqual(next);
    expect(await store.get('rv-missing')).toBeNull();
  });

  it('lists open reviews oldest first and recent ones newest first', async () => {
    const store = await make();
    await store.create(review('rv-a', T0));
    await store.create(review('rv-b', T0 + 1000));
    await store.create(review('rv-c', T0 + 2000));
    const b = await store.get('rv-b');
    if (!b) throw new Error('rv-b');
    await store.update({ ...b, version: 2, closedAt: T0 + 5000 });
    expect((await store.listOpen()).map((r) => r.id)).toEqual(['rv-a', 'rv-c']);
    expect((await store.listRecent(2)).map((r) => r.id)).toEqual(['rv-c', 'rv-b']);
  });
});

describe('Redis review store', () => {
  it('refuses a review edited in Redis, and says so', async () => {
    const env = await freshRedis();
    cleanups.push(env.cleanup);
    const seal = Integrity.ephemeral();
    const refusals: string[] = [];
    seal.onRefusal((incident) => refusals.push(`${incident.kind}:${incident.name}`));
    const store = new RedisReviewStore(env.redis, env.prefix, seal);
    await store.create(review('rv-exo-1'));
    const key = `${env.prefix}:review:rv-exo-1`;
    const stored = (await env.redis.hget(key, 'd')) ?? '';
    // Someone with Redis access marks Alice as kept by Bob.
    const forged = stored.replace(
      '"decision":null',
      `"decision":{"verdict":"keep","by":${JSON.stringify(people.bob)},"at":1,"reason":null}`,
    );
    expect(forged).not.toBe(stored);
    await env.redis.hset(key, 'd', forged);
    expect(await store.get('rv-exo-1')).toBeNull();
    expect(refusals).toEqual([`review:${key}`]);
  });
});
