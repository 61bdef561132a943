import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryReplayGuard } from '../../../adapters/chat/replay-guard.ts';
import { RedisReplayGuard } from '../../../adapters/redis/replay-guard.ts';
import { slackInbound } from '../../../adapters/slack/inbound.ts';
import type { ReplayGuard } from '../../../bot/core/ports/replay-guard.ts';
import { createLogger } from '../../../bot/log.ts';
import { createHttpServer } from '../../../bot/server.ts';
import { freshRedis } from '../../support/redis.ts';

const SECRET = 'test-signing-secret';
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const sign = (body: string, ts: number, secret = SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;

async function start(guard: ReplayGuard = new MemoryReplayGuard()) {
  const passed: { body: string }[] = [];
  const next = (req: IncomingMessage, res: ServerResponse) => {
    passed.push({ body: String((req as IncomingMessage & { rawBody: Buffer }).rawBody) });
    res.writeHead(200).end('ok');
  };
  const server = createHttpServer({
    log: createLogger('silent'),
    checks: [],
    routes: new Map([
      ['POST /slack/events', slackInbound({ signingSecret: SECRET, replayGuard: guard, next })],
    ]),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const post = (body: string, headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  return { post, passed };
}

const now = () => Math.floor(Date.now() / 1000);
const body = 'command=%2Felevate&text=roles&user_id=U1&team_id=T1';

describe('Slack inbound door', () => {
  it('passes a correctly signed, fresh request on with its body', async () => {
    const { post, passed } = await start();
    const ts = now();
    const res = await post(body, {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(body, ts),
    });
    expect(res.status).toBe(200);
    expect(passed).toEqual([{ body }]);
  });

  it('refuses forged, unsigned, stale and future requests with 401 and passes nothing on', async () => {
    const { post, passed } = await start();
    const ts = now();
    const cases: Record<string, string>[] = [
      {
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(body, ts, 'wrong-secret'),
      },
      { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(`${body}&x=1`, ts) },
      { 'x-slack-request-timestamp': String(ts) },
      {},
      { 'x-slack-request-timestamp': String(ts - 400), 'x-slack-signature': sign(body, ts - 400) },
      { 'x-slack-request-timestamp': String(ts + 400), 'x-slack-signature': sign(body, ts + 400) },
      { 'x-slack-request-timestamp': 'soon', 'x-slack-signature': sign(body, ts) },
    ];
    for (const headers of cases) expect((await post(body, headers)).status).toBe(401);
    expect(passed).toEqual([]);
  });

  it('refuses a replay of a valid request', async () => {
    const { post, passed } = await start();
    const ts = now();
    const headers = {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(body, ts),
    };
    expect((await post(body, headers)).status).toBe(200);
    expect((await post(body, headers)).status).toBe(401);
    expect(passed).toHaveLength(1);
  });

  it('refuses a replay across replicas through Redis', async () => {
    const r = await freshRedis({ confined: true });
    closers.push(() => r.cleanup());
    const a = await start(new RedisReplayGuard(r.redis, r.prefix));
    const b = await start(new RedisReplayGuard(r.redis, r.prefix));
    const ts = now();
    const headers = {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(body, ts),
    };
    expect((await a.post(body, headers)).status).toBe(200);
    expect((await b.post(body, headers)).status).toBe(401);
  });

  it('refuses bodies over 1 MB', async () => {
    const { post, passed } = await start();
    const big = 'x'.repeat(1024 * 1024 + 1);
    const ts = now();
    const res = await post(big, {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(big, ts),
    });
    expect(res.status).toBe(413);
    expect(passed).toEqual([]);
  });

  it('refuses a replay across replicas under another spelling of the signature', async () => {
    const r = await freshRedis({ confined: true });
    closers.push(() => r.cleanup());
    const a = await start(new RedisReplayGuard(r.redis, r.prefix));
    const b = await start(new RedisReplayGuard(r.redis, r.prefix));
    const ts = now();
    const signature = sign(body, ts);
    expect(
      (
        await a.post(body, {
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await b.post(body, {
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': `${signature}=1`,
        })
      ).status,
    ).toBe(401);
  });

  it('passes only the exact form Slack sends: v0= and 64 lowercase hex digits', async () => {
    const { post, passed } = await start();
    const ts = now();
    const signature = sign(body, ts);
    for (const variant of [
      signature.toUpperCase(),
      `v0=${signature.slice(3).toUpperCase()}`,
      `${signature}0`,
      signature.slice(0, -1),
      `v1=${signature.slice(3)}`,
    ]) {
      const headers = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': variant };
      expect((await post(body, headers)).status, variant).toBe(401);
    }
    expect(passed).toEqual([]);
    const headers = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature };
    expect((await post(body, headers)).status).toBe(200);
    expect(passed).toHaveLength(1);
  });

  it("refuses signed bodies no listener could act on with 400, and passes Slack's ssl_check", async () => {
    const { post, passed } = await start();
    const ts = now();
    const payload = (p: unknown) => `payload=${encodeURIComponent(JSON.stringify(p))}`;
    for (const bad of [
      'command=%2Felevate&text=roles',
      'command=%2Felevate&command=%2Fother&user_id=U1',
      `${payload({ type: 'block_actions' })}&${payload({ type: 'block_actions' })}`,
      payload({ type: 'block_actions', user: { id: '' } }),
      payload({ type: 'view_submission', user: null }),
      payload([1, 2]),
      'payload=not-json',
    ]) {
      const res = await post(bad, {
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(bad, ts),
      });
      expect(res.status, bad).toBe(400);
    }
    expect(passed).toEqual([]);
    const ssl = 'ssl_check=1&token=x';
    const res = await post(ssl, {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(ssl, ts),
    });
    expect(res.status).toBe(200);
  });
});
