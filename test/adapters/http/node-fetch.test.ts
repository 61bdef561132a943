/**
 * The kept-alive fetch of adapters/http/node-fetch.ts against a real node:http server: one
 * connection for calls in a row, answers as fetch gives them (status, headers, JSON), a GET
 * sent again when the kept connection turns out closed, a POST not, and the caller's signal.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFetch } from '../../../adapters/http/node-fetch.ts';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

interface Seen {
  readonly method: string;
  readonly body: string;
  readonly port: number;
}

async function server(answer: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  const seen: Seen[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        body: Buffer.concat(chunks).toString(),
        port: req.socket.remotePort ?? 0,
      });
      answer(req, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    s.closeAllConnections();
    s.close();
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1.0/users`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res
    .writeHead(status, { 'content-type': 'application/json', 'retry-after': '3' })
    .end(JSON.stringify(body));

describe('nodeFetch', () => {
  it('keeps one connection for calls in a row and answers as fetch would', async () => {
    const graph = await server((req, res) => json(res, req.method === 'POST' ? 201 : 429, {}));
    const send = nodeFetch({ what: 'Graph', idleMs: 5_000 });
    const first = await send(graph.url);
    const created = await send(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'adminAssign' }),
    });
    expect([first.status, first.ok, first.headers.get('Retry-After')]).toEqual([429, false, '3']);
    expect([created.status, await created.json()]).toEqual([201, {}]);
    expect(graph.seen.map((s) => [s.method, s.body])).toEqual([
      ['GET', ''],
      ['POST', '{"action":"adminAssign"}'],
    ]);
    expect(new Set(graph.seen.map((s) => s.port)).size).toBe(1);
  });

  it('sends a GET once more when the kept connection was closed, and a POST not', async () => {
    // The second request on the connection finds it closed, as when the server let it go idle.
    const graph = await server((req, res, n) =>
      n === 2 || n === 5 ? req.socket.destroy() : json(res, 200, { n }),
    );
    const send = nodeFetch({ what: 'Graph', idleMs: 5_000 });
    await send(graph.url);
    expect(await (await send(graph.url)).json()).toEqual({ n: 3 });
    expect(new Set(graph.seen.map((s) => s.port)).size).toBe(2);

    await send(graph.url, { method: 'POST', body: '{}' });
    await expect(send(graph.url, { method: 'POST', body: '{}' })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(graph.seen).toHaveLength(5);
  });

  it("ends a call at the caller's signal and at its own time limit", async () => {
    const graph = await server(() => {});
    const send = nodeFetch({ what: 'response_url', idleMs: 5_000, timeoutMs: 150 });
    await expect(send(graph.url)).rejects.toThrow('response_url timed out after 150 ms');
    const patient = nodeFetch({ what: 'Graph', idleMs: 5_000 });
    await expect(patient(graph.url, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });
});
