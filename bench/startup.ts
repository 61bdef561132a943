/**
 * Cold start as `npm start` meets it: the real bot as its own process with Slack, Teams and
 * Graph configured (bench/stack.ts), timed from spawn to the first 200 from /readyz, with the
 * process's resident memory read from /proc at that moment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Stack } from './stack.ts';

export interface StartSample {
  readonly readyMs: number;
  /** CPU the process spent until ready (user + system): what a loaded machine does not inflate. */
  readonly cpuMs: number;
  readonly rssMb: number;
}

export interface RunningBot {
  readonly url: string;
  readonly child: ChildProcess;
  readonly sample: StartSample;
  /** What the process has written to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** utime + stime of a process, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The Node flags `npm start` runs the bot with (package.json), so the bench starts it the
 * same way; the container image's command carries the same ones.
 */
export function startFlags(): string[] {
  const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as { start: string };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Starts `node [nodeArgs] bot/main.ts` and waits for /readyz; throws with its output if it dies. */
export async function startBot(
  stack: Stack,
  options: {
    nodeArgs?: readonly string[];
    env?: Record<string, string>;
    entry?: string;
  } = {},
): Promise<RunningBot> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const args = [...startFlags(), ...(options.nodeArgs ?? []), options.entry ?? 'bot/main.ts'];
  const child = spawn(process.execPath, args, {
    env: stack.env({ PORT: String(port), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`bot exited with ${code}:\n${output}`))),
  );
  exited.catch(() => {});
  const deadline = started + 30_000;
  for (;;) {
    const ready = await Promise.race([probe(`${url}/readyz`), exited]);
    if (ready) break;
    if (performance.now() > deadline) throw new Error(`no /readyz within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const pid = child.pid ?? 0;
  const sample = { readyMs: performance.now() - started, cpuMs: cpuMs(pid), rssMb: rssMb(pid) };
  return {
    url,
    child,
    sample,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

async function probe(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
