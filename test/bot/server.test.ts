import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/log.ts';
import { createHttpServer, type ReadinessCheck } from '../../bot/server.ts';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function start(checks: ReadinessCheck[], routes = new Map()) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const server = createHttpServer({ log: createLogger('info', sink), checks, routes });
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
});
