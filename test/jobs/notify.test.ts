/**
 * The notify queue and the outbox on real Redis: every message to a chat is paced per channel
 * and platform, sent once even when its job runs again, waits out a 429's Retry-After, and a
 * burst to one channel becomes a digest instead of being dropped. The end-to-end part drives
 * the real Slack Web API client against the Slack stand-in, whose own per-channel limit
 * answers 429 like Slack does.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rateLimitWait } from '../../adapters/chat/outbox.ts';
import { RedisOutbox } from '../../adapters/redis/outbox.ts';
import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import { RetryLater } from '../../bot/core/ports/chat.ts';
import { startWorld, type World } from '../e2e/world.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';

describe('outbox on Redis', () => {
  let redis: FreshRedis;
  const digests: { channel: string; at: number }[] = [];
  const outbox = (
    pace = { channelMs: 100, platformMs: 0 },
    digestAfterMs = 3_000,
    maxWaitMs = 10_000,
  ) =>
    new RedisOutbox({
      redis: redis.redis,
      prefix: redis.prefix,
      pace: { slack: pace, teams: pace },
      digestAfterMs,
      maxWaitMs,
      rateLimit: rateLimitWait,
      scheduleDigest: async (_platform, channel, at) => void digests.push({ channel, at }),
    });
  beforeEach(async () => {
    redis = await freshRedis();
    digests.length = 0;
  });
  afterEach(async () => redis.cleanup());

  it('spaces messages to one channel by its gap, but not messages to different channels', async () => {
    const box = outbox();
    const sent: { channel: string; at: number }[] = [];
    const send = (channel: string) =>
      box.send(
        { platform: 'slack', channel },
        async () => void sent.push({ channel, at: Date.now() }),
      );
    await Promise.all([send('C1'), send('C1'), send('C1'), send('C2')]);
    const c1 = sent.filter((s) => s.channel === 'C1').map((s) => s.at);
    const c2 = sent.filter((s) => s.channel === 'C2').map((s) => s.at);
    expect(c1).toHaveLength(3);
    expect(c2).toHaveLength(1);
    // NaN fails every comparison, so a missing send cannot pass by default.
    const [first = Number.NaN, , third = Number.NaN] = c1;
    expect(third - first).toBeGreaterThanOrEqual(190);
    expect(c2[0] ?? Number.NaN).toBeLessThan(third);
  });

  it('skips a send whose once-key was already sent, also from another outbox (a second worker)', async () => {
    let posts = 0;
    const message = {
      platform: 'teams',
      channel: '19:c',
      once: 'R1-activated-v3:security',
    } as const;
    expect(await outbox().send(message, async () => void posts++)).toBe(true);
    expect(await outbox().send(message, async () => void posts++)).toBe(false);
    expect(posts).toBe(1);
  });

  it('turns a 429 into RetryLater for its Retry-After, blocks the channel, and keeps the once-key unsent', async () => {
    const box = outbox({ channelMs: 10, platformMs: 0 }, 60_000, 500);
    const limited = Object.assign(new Error('rate limited'), {
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 2,
    });
    const failed = await box
      .send({ platform: 'slack', channel: 'C1', once: 'x' }, async () => {
        throw limited;
      })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RetryLater);
    expect((failed as RetryLater).ms).toBe(2_000);
    // The channel is blocked: a send now is asked to come back rather than hammering Slack.
    const next = await box
      .send({ platform: 'slack', channel: 'C1' }, async () => {})
      .catch((e) => e);
    expect(next).toBeInstanceOf(RetryLater);
    expect((next as RetryLater).ms).toBeGreaterThan(1_500);
    // The failed message was not marked sent, so its retry will post it.
    let posted = 0;
    await outbox({ channelMs: 10, platformMs: 0 }).send(
      { platform: 'slack', channel: 'C2', once: 'x' },
      async () => void posted++,
    );
    expect(posted).toBe(1);
  });

  it('puts one-line messages into the digest when the channel is far behind, and hands them out in order', async () => {
    const box = outbox({ channelMs: 2_000, platformMs: 0 }, 1_000);
    let posted = 0;
    for (const n of [1, 2, 3, 4]) {
      await box.send(
        { platform: 'slack', channel: 'CSEC', digest: `line ${n}`, once: `m${n}` },
        async () => void posted++,
      );
    }
    expect(posted).toBe(1);
    expect(digests.map((d) => d.channel)).toEqual(['CSEC', 'CSEC', 'CSEC']);
    const taken = await box.takeDigest('slack', 'CSEC', 2);
    expect(taken).toMatchObject({ lines: ['line 2', 'line 3'], more: true });
    await taken.commit();
    expect((await box.takeDigest('slack', 'CSEC')).lines).toEqual(['line 4']);
  });
});

describe('notify queue end to end (Slack stand-in)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 30_000);
  afterAll(async () => world?.close());

  const alert = (n: number): SecurityAlert => ({
    kind: 'outside_pim',
    key: `outside-pim:test-${n}:${Date.now()}`,
    title: `Finding number ${n}`,
    details: [`Detail ${n}`],
    action: 'Look into it.',
    since: null,
  });
  const securityText = () =>
    world.slack
      .messagesIn('C0SECURITY')
      .map((m) => `${m.text} ${JSON.stringify(m.blocks)}`)
      .join('\n');

  it('batches a burst to the security channel into a digest, every finding said exactly once', async () => {
    const before = world.slack.messagesIn('C0SECURITY').length;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => world.app.deps.notifier.securityAlert(alert(i + 1))),
    );
    await waitFor(
      () =>
        Array.from({ length: 12 }, (_, i) => i + 1).every((n) =>
          securityText().includes(`Finding number ${n}`),
        ),
      20_000,
      'every finding in #security',
    );
    const posted = world.slack.messagesIn('C0SECURITY').length - before;
    expect(posted).toBeLessThan(12);
    expect(securityText()).toMatch(/updates arrived while this channel was busy/);
    const fresh = world.slack.messagesIn('C0SECURITY').slice(before);
    for (let n = 1; n <= 12; n++) {
      const title = new RegExp(`Finding number ${n}\\b`, 'g');
      // A card's text carries the title once, and so does the digest line that replaces it.
      const said = fresh.map((m) => m.text.match(title)?.length ?? 0);
      expect(
        said.reduce((a, b) => a + b, 0),
        `finding ${n} in the texts of the new messages`,
      ).toBe(1);
    }
  }, 30_000);

  it('waits out a 429 and then delivers the message once', async () => {
    await new Promise((r) => setTimeout(r, 2_500)); // let the channel's pace settle
    world.slack.rateLimit('chat.postMessage', 1, 1);
    const one = alert(99);
    await world.app.deps.notifier.securityAlert(one);
    await waitFor(
      () => securityText().includes('Finding number 99'),
      15_000,
      'delivered after 429',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const limited = world.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.status === 429,
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(
      world.slack.messagesIn('C0SECURITY').filter((m) => m.text.includes('Finding number 99')),
    ).toHaveLength(1);
  }, 30_000);
});
