import { describe, expect, it } from 'vitest';
import { MemoryCooldown } from '../../adapters/chat/cooldown.ts';
import { MemoryReplayGuard } from '../../adapters/chat/replay-guard.ts';
import { MemoryUsedLinks } from '../../adapters/chat/used-links.ts';
import { RedisCooldown } from '../../adapters/redis/cooldown.ts';
import { RedisReplayGuard } from '../../adapters/redis/replay-guard.ts';
import { RedisUsedLinks } from '../../adapters/redis/used-links.ts';
import { freshRedis } from '../support/redis.ts';

describe('memory replay guard', () => {
  it('refuses a repeat within the window and forgets it after', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.firstSeen('a', 10)).toBe(true);
    expect(await guard.firstSeen('a', 10)).toBe(false);
    now = 9_999;
    expect(await guard.firstSeen('a', 10)).toBe(false);
    now = 10_000;
    expect(await guard.firstSeen('a', 10)).toBe(true);
  });

  it('keeps windows of different lengths apart', async () => {
    let now = 0;
    const guard = new MemoryReplayGuard(() => now);
    await guard.firstSeen('long', 100);
    await guard.firstSeen('short', 1);
    now = 2_000;
    expect(await guard.firstSeen('short', 1)).toBe(true);
    expect(await guard.firstSeen('long', 100)).toBe(false);
  });
});

describe('replay guard, alert cooldown and used links', () => {
  it('keep their keys apart in Redis, each under its own name, with its window', async () => {
    const r = await freshRedis({ confined: true });
    const guard = new RedisReplayGuard(r.redis, r.prefix);
    const cooldown = new RedisCooldown(r.redis, r.prefix);
    const used = new RedisUsedLinks(r.redis, r.prefix);
    expect(await guard.firstSeen('k1', 600)).toBe(true);
    expect(await cooldown.start('k1', 86_400)).toBe(true);
    expect(await used.use('k1', 900)).toBe(true);
    expect(await guard.firstSeen('k1', 600)).toBe(false);
    expect(await cooldown.start('k1', 86_400)).toBe(false);
    expect(await used.use('k1', 900)).toBe(false);
    expect((await r.redis.keys(`${r.prefix}:*`)).sort()).toEqual([
      `${r.prefix}:cooldown:k1`,
      `${r.prefix}:seen:k1`,
      `${r.prefix}:used-link:k1`,
    ]);
    expect(await r.redis.ttl(`${r.prefix}:cooldown:k1`)).toBeGreaterThan(86_000);
    expect(await r.redis.ttl(`${r.prefix}:used-link:k1`)).toBeLessThanOrEqual(900);
    await r.cleanup();
  });

  it('keep their keys apart in memory, and end each window on time', async () => {
    let now = 0;
    const cooldown = new MemoryCooldown(() => now);
    const used = new MemoryUsedLinks(() => now);
    expect(await cooldown.start('k', 60)).toBe(true);
    expect(await used.use('k', 10)).toBe(true);
    expect(await used.use('k', 10)).toBe(false);
    now = 10_000;
    expect(await used.use('k', 10)).toBe(true);
    expect(await cooldown.start('k', 60)).toBe(false);
    now = 60_000;
    expect(await cooldown.start('k', 60)).toBe(true);
  });
});
