/**
 * A redis-server of a test's own, on a free port with its data in a temporary directory, for
 * tests that stop Redis and start it again. The shared Redis of the other tests (REDIS_URL)
 * must never be stopped: every test file uses it at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './wait.ts';

/**
 * The persistence the README recommends for production: every write goes to the append-only
 * file and is fsynced before Redis answers (`appendfsync always`), so a restart, a crash or a
 * kill -9 loses no acknowledged write, delayed BullMQ jobs included. No RDB snapshots
 * (`save ""`): the AOF alone is the durable copy.
 */
export const DURABLE_REDIS = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];

/** How the server goes down: `sigterm` is a clean shutdown, `sigkill` a crash. */
export type StopHow = 'sigterm' | 'sigkill';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(how: StopHow): Promise<void>;
  /** Starts the server again on the same port and directory; resolves once it answers. */
  start(): Promise<void>;
  /** Stops the server if it runs and removes its directory. Safe to call twice. */
  remove(): Promise<void>;
}

export async function startPrivateRedis(
  settings: readonly string[] = DURABLE_REDIS,
): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'elevate-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    if (server && server.exitCode === null && server.signalCode === null)
      throw new Error('redis-server is already running');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...settings];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    server = child;
    // If the test process ends without remove() (a crash, a timeout), the server goes too.
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.off('exit', orphan));
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`);
        return answers(url);
      },
      10_000,
      `redis-server on port ${port}`,
    );
  };

  const stop = async (how: StopHow): Promise<void> => {
    const child = server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(how === 'sigterm' ? 'SIGTERM' : 'SIGKILL');
    await exited;
  };

  await start();
  return {
    url,
    port,
    dir,
    stop,
    start,
    async remove() {
      await stop('sigkill');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PONG means up and done loading the AOF (Redis answers LOADING until then). */
async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 500,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
