import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/log.ts';
import { Metrics } from '../../bot/metrics.ts';
import { createHttpServer, createMetricsServer, type ReadinessCheck } from '../../bot/server.ts';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function start(
  checks: ReadinessCheck[],
  routes = new Map(),
  extra: Partial<Parameters<typeof createHttpServer>[0]> = {},
) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const server = createHttpServer({ log: createLogger('info', sink), checks, routes, ...extra });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, lines };
}

describe('HTTP server', () => {
  it('answers health, and readiness from its checks', async () => {
    let redisUp = true;
    const { base } = await start([
      {
        name: 'redis',
        check: async () => {
          if (!redisUp) throw new Error('connection refused');
        },
      },
    ]);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({
      status: 'ok',
      service: 'elevate',
    });
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: 'ready', checks: { redis: 'ok' } },
    ]);
    redisUp = false;
    const down = await fetch(`${base}/readyz`);
    expect([down.status, await down.json()]).toEqual([
      503,
      { status: 'not ready', checks: { redis: 'connection refused' } },
    ]);
  });

  it('gives up on a check that hangs', async () => {
    const { base } = await start([{ name: 'queue', check: () => new Promise(() => {}) }]);
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { queue: 'no answer in 1000 ms' } });
  });

  it('tags each request with an id, echoed back and in the handler log', async () => {
    const routes = new Map([
      [
        'POST /boom',
        () => {
          throw new Error('kaput');
        },
      ],
    ]);
    const { base, lines } = await start([], routes);
    const res = await fetch(`${base}/boom`, {
      method: 'POST',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(lines.at(-1)).toMatchObject({ httpRequestId: 'abc-123', msg: 'request handler failed' });
    const other = await fetch(`${base}/nope`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(other.status).toBe(404);
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never puts an error text in a 500 body', async () => {
    const routes = new Map([
      [
        'POST /upstream',
        () => {
          throw new Error('Graph said: Insufficient privileges for tenant 1234, token eyJ0eXAi');
        },
      ],
    ]);
    const { base, lines } = await start([], routes);
    const res = await fetch(`${base}/upstream`, { method: 'POST' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/Graph|privileges|eyJ0eXAi/);
    expect(JSON.parse(text)).toEqual({
      error: 'internal error',
      requestId: res.headers.get('x-request-id'),
    });
    expect(JSON.stringify(lines.at(-1))).toContain('Insufficient privileges');
  });

  it('answers HEAD from the GET handler, even a streaming one, and 405 with Allow otherwise', async () => {
    const routes = new Map([
      [
        'GET /stream',
        (_req: unknown, res: import('node:http').ServerResponse) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: 1\n\n');
        },
      ],
      ['POST /only-post', (_req: unknown, res: import('node:http').ServerResponse) => res.end()],
    ]);
    const { base } = await start([], routes);
    const head = await fetch(`${base}/stream`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([
      200,
      'text/event-stream',
      '',
    ]);
    const put = await fetch(`${base}/only-post`, { method: 'PUT' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'POST']);
    const get = await fetch(`${base}/healthz`, { method: 'POST' });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('guards /metrics with the bearer token when one is set, and drops it from PORT with its own port', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const { base } = await start([], new Map(), { metrics: new Metrics(), metricsToken: token });
    const bare = await fetch(`${base}/metrics`);
    expect([bare.status, bare.headers.get('www-authenticate')]).toEqual([
      401,
      'Bearer realm="metrics"',
    ]);
    for (const wrong of [`Bearer ${token.slice(0, -1)}x`, token, `bearer${token}`, 'Basic x']) {
      expect((await fetch(`${base}/metrics`, { headers: { authorization: wrong } })).status).toBe(
        401,
      );
    }
    const good = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(good.status).toBe(200);
    expect(await good.text()).toContain('elevate_http_requests_total');

    const metrics = new Metrics();
    const main = await start([], new Map(), { metrics, metricsElsewhere: true });
    expect((await fetch(`${main.base}/metrics`)).status).toBe(404);
    await fetch(`${main.base}/healthz`);
    const own = createMetricsServer({ log: createLogger('silent'), metrics });
    servers.push(own);
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    const ownUrl = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;
    const scraped = await (await fetch(`${ownUrl}/metrics`)).text();
    expect(scraped).toMatch(/elevate_http_requests_total\{route="GET \/healthz",status="200"\} 1/);
    expect((await fetch(`${ownUrl}/healthz`)).status).toBe(404);
  });
});
