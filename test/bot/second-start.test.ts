/**
 * A second `npm start` on a port that a sandbox holds: one line, exit 1, and the running
 * sandbox's Redis keys untouched (the port is looked at before Redis). A port taken by some
 * other program, or taken between that look and the listen, is one line too, never a stack
 * trace. The sandbox works under REDIS_PREFIX when it is set, and refuses to clear a prefix
 * that holds data it did not make.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { PortInUseError } from '../../bot/port-check.ts';
import { type Sandbox, startSandbox } from '../../bot/sandbox.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

const run = promisify(execFile);
let redis: FreshRedis;
let sandbox: Sandbox;
let port = 0;

/** `node bot/main.ts` with no credentials (the sandbox), as `npm start` runs it. */
async function npmStart(env: Record<string, string>) {
  const clean = {
    PATH: process.env.PATH ?? '',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    LOG_LEVEL: 'silent',
    ...env,
  };
  return run(process.execPath, ['bot/main.ts'], { env: clean, timeout: 20_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

const keys = async () => (await redis.redis.keys(`${redis.prefix}:*`)).sort();

beforeAll(async () => {
  redis = await freshRedis();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', REDIS_PREFIX: redis.prefix });
  sandbox = await startSandbox({ config, log: createLogger('silent') });
  port = Number(new URL(sandbox.url).port);
  // Something the running sandbox keeps: Alice's request.
  const res = await fetch(`${sandbox.url}/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      as: '5a1ce000-0000-4000-8000-00000000a11c',
      text: '/elevate Exchange Administrator 10m fixing mail flow INC-4711',
    }),
  });
  expect(res.status).toBe(200);
}, 30_000);
afterAll(async () => {
  await sandbox?.close();
  await redis?.cleanup();
});

describe('a second start', () => {
  it('the sandbox works under REDIS_PREFIX when it is set, marked as a sandbox prefix', async () => {
    expect(sandbox.storage).toBe('redis');
    const held = await keys();
    expect(held).toContain(`${redis.prefix}:sandbox`);
    expect(held.length).toBeGreaterThan(3);
  });

  it('refuses in one line while a sandbox holds the port, leaving its data alone', async () => {
    const before = await keys();
    const second = await npmStart({ PORT: String(port), REDIS_PREFIX: redis.prefix });
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `elevate: port ${port} is in use by another elevate: stop it or set PORT\n`,
    );
    // The workers keep changing their own keys; the request, its audit trail and the marker stay.
    const kept = before.filter((k) => !/:elevate-|:cooldown:|:bull/.test(k));
    expect(kept.length).toBeGreaterThan(2);
    expect(await keys()).toEqual(expect.arrayContaining(kept));
    // The running sandbox still answers with its request.
    const state = await fetch(`${sandbox.url}/api/state?as=5a1ce000-0000-4000-8000-00000000a11c`);
    expect(await state.text()).toContain('Exchange Administrator');
  }, 30_000);

  it('names another program holding the port, in one line', async () => {
    const other: Server = createServer((_req, res) => res.end('not elevate'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const taken = (other.address() as AddressInfo).port;
    try {
      const second = await npmStart({ PORT: String(taken) });
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(
        `elevate: port ${taken} is in use by another program: stop it or set PORT\n`,
      );
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  }, 30_000);

  it('a port taken at the listen itself (EADDRINUSE) is a PortInUseError, not a crash', async () => {
    const other: Server = createServer();
    await new Promise<void>((resolve) => other.listen(0, resolve));
    const taken = (other.address() as AddressInfo).port;
    try {
      // Without Redis (nothing listens on port 1), so nothing is cleared before the listen.
      const config = loadConfig({
        PORT: String(taken),
        LOG_LEVEL: 'silent',
        REDIS_URL: 'redis://127.0.0.1:1',
      });
      const started = startSandbox({ config, log: createLogger('silent') });
      await expect(started).rejects.toBeInstanceOf(PortInUseError);
      await expect(started).rejects.toThrow(`port ${taken} is in use`);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  }, 30_000);

  it('refuses to clear a REDIS_PREFIX that holds data no sandbox made', async () => {
    const production = await freshRedis();
    try {
      await production.redis.set(`${production.prefix}:request:R1`, 'keep me');
      const config = loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        REDIS_PREFIX: production.prefix,
      });
      await expect(startSandbox({ config, log: createLogger('silent') })).rejects.toThrow(
        `REDIS_PREFIX=${production.prefix} holds data that is not a sandbox's`,
      );
      expect(await production.redis.get(`${production.prefix}:request:R1`)).toBe('keep me');
    } finally {
      await production.cleanup();
    }
  }, 30_000);
});
