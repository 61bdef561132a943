/**
 * The HTTP part of the drain on a real server: a request in flight when the drain starts is
 * answered in full, a new connection is refused, and a request that never finishes is cut
 * after the grace period instead of holding the exit up.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { drainHttp } from '../../bot/shutdown.ts';

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(delayMs: number | null) {
  let started = 0;
  const server = createServer((_req, res) => {
    started += 1;
    if (delayMs === null) return; // never answers
    setTimeout(() => res.end('done'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, started: () => started };
}

describe('drainHttp', () => {
  it('lets a request in flight finish, then refuses new connections', async () => {
    const { server, port, started } = await serve(300);
    const inFlight = get(port);
    while (started() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const t0 = Date.now();
    await drainHttp(server, 2_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('cuts a request that does not finish within the grace period', async () => {
    const { server, port, started } = await serve(null);
    const stuck = get(port).catch((error: Error) => error);
    while (started() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const t0 = Date.now();
    await drainHttp(server, 300);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(await stuck).toBeInstanceOf(Error);
  });
});
