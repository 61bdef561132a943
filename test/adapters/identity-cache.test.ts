import { describe, expect, it } from 'vitest';
import { MemoryIdentityCache } from '../../adapters/chat/identity-cache.ts';
import { RedisIdentityCache } from '../../adapters/redis/identity-cache.ts';
import { freshRedis } from '../support/redis.ts';

const alice = { id: 'u-alice', displayName: 'Alice', email: 'alice@contoso.com' };

describe('identity cache', () => {
  it('remembers people and strangers, strangers for less time (memory)', async () => {
    let now = 0;
    const cache = new MemoryIdentityCache(() => now);
    expect(await cache.get('slack:T1:U1')).toBeUndefined();
    await cache.set('slack:T1:U1', alice);
    await cache.set('slack:T1:U2', null);
    expect(await cache.get('slack:T1:U1')).toEqual(alice);
    expect(await cache.get('slack:T1:U2')).toBeNull();
    now = 301_000;
    expect(await cache.get('slack:T1:U2')).toBeUndefined();
    expect(await cache.get('slack:T1:U1')).toEqual(alice);
    now = 3_601_000;
    expect(await cache.get('slack:T1:U1')).toBeUndefined();
  });

  it('stores entries with their TTL in Redis', async () => {
    const r = await freshRedis({ confined: true });
    const cache = new RedisIdentityCache(r.redis, r.prefix);
    await cache.set('slack:T1:U1', alice);
    await cache.set('slack:T1:U2', null);
    expect(await cache.get('slack:T1:U1')).toEqual(alice);
    expect(await cache.get('slack:T1:U2')).toBeNull();
    expect(await cache.get('slack:T1:U3')).toBeUndefined();
    expect(await r.redis.ttl(`${r.prefix}:identity:slack:T1:U1`)).toBeGreaterThan(3_500);
    expect(await r.redis.ttl(`${r.prefix}:identity:slack:T1:U2`)).toBeLessThanOrEqual(300);
    await r.cleanup();
  });

  it('keeps zones and chat users apart from identities, misses for less time (Redis)', async () => {
    const r = await freshRedis({ confined: true });
    const cache = new RedisIdentityCache(r.redis, r.prefix);
    await cache.set('slack:T1:U1', alice);
    await cache.setZone('slack:T1:U1', 'Asia/Tokyo');
    await cache.setChatUser('slack:u-alice', 'U1');
    await cache.setChatUser('slack:u-gone', null);
    expect(await cache.get('slack:T1:U1')).toEqual(alice);
    expect(await cache.zone('slack:T1:U1')).toBe('Asia/Tokyo');
    expect(await cache.zone('slack:T1:U2')).toBeUndefined();
    expect(await cache.chatUser('slack:u-alice')).toBe('U1');
    expect(await cache.chatUser('slack:u-gone')).toBeNull();
    expect(await cache.chatUser('slack:u-new')).toBeUndefined();
    expect(await r.redis.ttl(`${r.prefix}:identity-zone:slack:T1:U1`)).toBeGreaterThan(3_500);
    expect(await r.redis.ttl(`${r.prefix}:chat-user:slack:u-alice`)).toBeGreaterThan(3_500);
    expect(await r.redis.ttl(`${r.prefix}:chat-user:slack:u-gone`)).toBeLessThanOrEqual(300);
    await r.cleanup();
  });

  it('forgets zones and chat users by their TTLs (memory)', async () => {
    let now = 0;
    const cache = new MemoryIdentityCache(() => now);
    await cache.setZone('slack:T1:U1', 'Asia/Tokyo');
    await cache.setChatUser('slack:u-alice', 'U1');
    await cache.setChatUser('slack:u-gone', null);
    expect(await cache.get('slack:T1:U1')).toBeUndefined();
    now = 301_000;
    expect(await cache.chatUser('slack:u-gone')).toBeUndefined();
    expect(await cache.chatUser('slack:u-alice')).toBe('U1');
    expect(await cache.zone('slack:T1:U1')).toBe('Asia/Tokyo');
    now = 3_601_000;
    expect(await cache.zone('slack:T1:U1')).toBeUndefined();
  });
});
