/**
 * SlackIdentity keeps what it learns in the shared identity cache (real Redis), so a second
 * replica knows the time zone and the Slack user without asking Slack again; a failed look-up
 * is logged and asked again next time, never remembered as "nobody".
 */
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDirectory } from '../../../adapters/memory/directory.ts';
import { RedisIdentityCache } from '../../../adapters/redis/identity-cache.ts';
import { SlackIdentity } from '../../../adapters/slack/identity.ts';
import type { Logger } from '../../../bot/core/ports/logger.ts';
import { type SlackStandIn, startSlackStandIn } from '../../standins/slack/index.ts';
import { type FreshRedis, freshRedis } from '../../support/redis.ts';

const alice = { id: 'e-alice', displayName: 'Alice', email: 'alice@contoso.com' };
const nobody = { id: 'e-nobody', displayName: 'Nobody', email: 'nobody@contoso.com' };

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** Records warnings; a Logger is any object with these methods. */
function recordingLog(warnings: string[]): Logger {
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: (fields: object | string, message?: string) => {
      warnings.push(typeof fields === 'string' ? fields : (message ?? ''));
    },
    error: () => {},
    child: () => log,
  };
  return log;
}

async function setUp(): Promise<{
  slack: SlackStandIn;
  redis: FreshRedis;
  replica: (warnings?: string[]) => SlackIdentity;
}> {
  const slack = await startSlackStandIn();
  const redis = await freshRedis();
  closers.push(
    () => slack.close(),
    () => redis.cleanup(),
  );
  slack.addUser({ id: 'UALICE', name: 'alice', email: alice.email, tz: 'Asia/Tokyo' });
  const directory = new MemoryDirectory([alice, nobody]);
  const replica = (warnings: string[] = []) =>
    new SlackIdentity(
      new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      directory,
      new RedisIdentityCache(redis.redis, redis.prefix),
      () => new Map(),
      recordingLog(warnings),
    );
  return { slack, redis, replica };
}

const callsTo = (slack: SlackStandIn, method: string) =>
  slack.calls.filter((c) => c.method === method).length;

describe('SlackIdentity', () => {
  it('shares the time zone between replicas through the cache', async () => {
    const { slack, replica } = await setUp();
    const first = await replica().resolve(slack.teamId, 'UALICE');
    expect(first).toEqual({ ok: true, value: { principal: alice, timezone: 'Asia/Tokyo' } });
    const second = await replica().resolve(slack.teamId, 'UALICE');
    expect(second).toEqual({ ok: true, value: { principal: alice, timezone: 'Asia/Tokyo' } });
    expect(callsTo(slack, 'users.info')).toBe(1);
  });

  it('finds the Slack user once for every replica, an hour for a hit, five minutes for a miss', async () => {
    const { slack, redis, replica } = await setUp();
    expect(await replica().slackUserFor(alice)).toBe('UALICE');
    expect(await replica().slackUserFor(alice)).toBe('UALICE');
    expect(await replica().slackUserFor(nobody)).toBeNull();
    expect(await replica().slackUserFor(nobody)).toBeNull();
    expect(callsTo(slack, 'users.lookupByEmail')).toBe(2);
    const hit = await redis.redis.ttl(`${redis.prefix}:chat-user:slack:${alice.id}`);
    const miss = await redis.redis.ttl(`${redis.prefix}:chat-user:slack:${nobody.id}`);
    expect(hit).toBeGreaterThan(3_500);
    expect(miss).toBeGreaterThan(0);
    expect(miss).toBeLessThanOrEqual(300);
  });

  it('logs a failed look-up and does not remember it', async () => {
    const { slack, redis, replica } = await setUp();
    const warnings: string[] = [];
    slack.failNext('users.lookupByEmail', 'internal_error');
    expect(await replica(warnings).slackUserFor(alice)).toBeNull();
    expect(warnings).toEqual(['Slack users.lookupByEmail failed; no direct message this time']);
    expect(await redis.redis.exists(`${redis.prefix}:chat-user:slack:${alice.id}`)).toBe(0);
    expect(await replica(warnings).slackUserFor(alice)).toBe('UALICE');
    expect(warnings).toHaveLength(1);
  });

  it('learns its workspace once from auth.test, asks again only after a failure', async () => {
    const { slack, replica } = await setUp();
    const identity = replica();
    slack.failNext('auth.test', 'internal_error');
    await expect(identity.resolve(slack.teamId, 'UALICE')).rejects.toThrow();
    expect((await identity.resolve(slack.teamId, 'UALICE')).ok).toBe(true);
    expect((await identity.resolve('T0ELSEWHERE', 'UALICE')).ok).toBe(false);
    expect((await identity.resolve(slack.teamId, 'UALICE')).ok).toBe(true);
    expect(callsTo(slack, 'auth.test')).toBe(2);
  });

  it('refuses another workspace before looking anybody up', async () => {
    const { slack, replica } = await setUp();
    expect(await replica().resolve('T0ELSEWHERE', 'UALICE')).toMatchObject({
      ok: false,
      error: { code: 'identity.foreign_workspace' },
    });
    expect(callsTo(slack, 'users.info')).toBe(0);
  });

  it('an unconfirmed email is not looked up, and not remembered as nobody', async () => {
    const { slack, replica } = await setUp();
    slack.addUser({ id: 'UALICE', name: 'alice', email: alice.email, emailConfirmed: false });
    expect(await replica().resolve(slack.teamId, 'UALICE')).toMatchObject({
      ok: false,
      error: { code: 'identity.email_unconfirmed' },
    });
    slack.addUser({ id: 'UALICE', name: 'alice', email: alice.email });
    expect((await replica().resolve(slack.teamId, 'UALICE')).ok).toBe(true);
  });
});
