/**
 * The sign-in store on Redis and in memory: reading a link leaves it; a link or flow is taken
 * at most once, even by concurrent callers; both expire on their own and are kept under a
 * digest, never the raw value. Proofs are per person and purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Integrity } from '../../adapters/integrity.ts';
import { RedisSignInStore } from '../../adapters/redis/signin-store.ts';
import { digest, MemorySignInStore, type SignInStore } from '../../adapters/signin/store.ts';
import type { SignInGrant } from '../../bot/core/ports/sign-in.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

const grant: SignInGrant = {
  requestId: 'RABC1234',
  person: { id: 'u-alice', displayName: 'Alice Admin', email: 'alice@contoso.com' },
  purpose: 'activate',
};

function contract(name: string, make: () => SignInStore) {
  describe(`${name} sign-in store`, () => {
    it('reads a link as often as asked, and lets exactly one concurrent taker use it up', async () => {
      const store = make();
      await store.saveLink('token-1', grant, 600);
      expect(await store.readLink('token-1')).toEqual(grant);
      expect(await store.readLink('token-1')).toEqual(grant);
      const takes = await Promise.all([1, 2, 3, 4].map(() => store.takeLink(digest('token-1'))));
      expect(takes.filter((t) => t)).toHaveLength(1);
      expect(await store.readLink('token-1')).toBeNull();
      expect(await store.takeLink(digest('token-1'))).toBe(false);
      expect(await store.readLink('never-issued')).toBeNull();
    });

    it('hands a flow out once', async () => {
      const store = make();
      const flow = { grant, codeVerifier: 'v'.repeat(43), nonce: 'n-1', link: digest('t') };
      await store.saveFlow('state-1', flow, 600);
      expect(await store.takeFlow('state-1')).toEqual(flow);
      expect(await store.takeFlow('state-1')).toBeNull();
    });

    it('keeps proofs per person and purpose', async () => {
      const store = make();
      await store.remember('u-bob', 'approve', 1_000, 900);
      expect(await store.provenAt('u-bob', 'approve')).toBe(1_000);
      expect(await store.provenAt('u-bob', 'activate')).toBeNull();
      expect(await store.provenAt('u-carol', 'approve')).toBeNull();
    });
  });
}

let now = 0;
contract('memory', () => new MemorySignInStore(() => now));

describe('memory sign-in store expiry', () => {
  it('forgets links and proofs at their time to live', async () => {
    now = 0;
    const store = new MemorySignInStore(() => now);
    await store.saveLink('t', grant, 600);
    await store.remember('u-bob', 'approve', 0, 900);
    now = 600_000;
    expect(await store.readLink('t')).toBeNull();
    expect(await store.provenAt('u-bob', 'approve')).toBe(0);
    now = 900_000;
    expect(await store.provenAt('u-bob', 'approve')).toBeNull();
  });
});

let redis: FreshRedis;
beforeAll(async () => {
  redis = await freshRedis();
});
afterAll(async () => {
  await redis?.cleanup();
});
contract('redis', () => new RedisSignInStore(redis.redis, redis.prefix));

describe('redis sign-in store keys', () => {
  it('stores links under a digest with a time to live, never the token itself', async () => {
    const store = new RedisSignInStore(redis.redis, redis.prefix);
    await store.saveLink('secret-token-value', grant, 600);
    const keys = await redis.redis.keys(`${redis.prefix}:signin:link:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('secret-token-value');
    const ttl = await redis.redis.ttl(keys[0] ?? '');
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });
});

describe('redis sign-in store as a trust boundary', () => {
  it('refuses an MFA proof or a link written into Redis by anyone but the bot', async () => {
    const key = Integrity.ephemeral();
    const refused: string[] = [];
    key.onRefusal((incident) => refused.push(`${incident.kind} ${incident.name}`));
    const store = new RedisSignInStore(redis.redis, redis.prefix, key);
    // What an attacker with Redis access would write to skip Bob's approver step-up.
    const proofKey = `${redis.prefix}:signin:proof:approve:u-bob`;
    await redis.redis.set(proofKey, String(Date.now()), 'EX', 900);
    expect(await store.provenAt('u-bob', 'approve')).toBeNull();
    // A genuine proof, copied onto another person, fails too: the seal names its key.
    await store.remember('u-carol', 'approve', Date.now(), 900);
    const genuine = await redis.redis.get(`${redis.prefix}:signin:proof:approve:u-carol`);
    await redis.redis.set(proofKey, genuine ?? '', 'EX', 900);
    expect(await store.provenAt('u-bob', 'approve')).toBeNull();
    expect(await store.provenAt('u-carol', 'approve')).not.toBeNull();
    // A forged link grant for somebody else's request.
    await store.saveLink('token-1', grant, 600);
    const link = `${redis.prefix}:signin:link:${digest('token-1')}`;
    await redis.redis.set(link, JSON.stringify({ ...grant, requestId: 'R-OTHER' }));
    expect(await store.readLink('token-1')).toBeNull();
    expect(refused).toEqual([`sign-in ${proofKey}`, `sign-in ${proofKey}`, `sign-in ${link}`]);
  });
});
