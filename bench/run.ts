/**
 * `npm run bench`: the Slack ack path against a bare node:http handler measured in the same
 * run (DESIGN.md "Performance"). Prints latency percentiles, requests per second and ratios.
 * The bot side is the real one: our server, the signature/replay door, Bolt's receiver and the
 * registered handlers, with the core on in-memory ports (Redis and Graph are not on this path
 * before the ack).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryIdentityCache } from '../adapters/chat/identity-cache.ts';
import { MemoryMessageRefs } from '../adapters/chat/message-refs.ts';
import { MemoryReplayGuard } from '../adapters/chat/replay-guard.ts';
import { createSlack } from '../adapters/slack/index.ts';
import { createLogger } from '../bot/log.ts';
import { createHttpServer } from '../bot/server.ts';
import {
  signedHeaders,
  slashCommandBody,
  startSlackStandIn,
} from '../test/standins/slack/index.ts';
import { testTenant } from '../test/support/tenant.ts';
import { benchExpiry } from './expiry.ts';
import { benchExport } from './export.ts';

const SECRET = 'bench-signing-secret';
/** Replies after the ack go here; the stand-in refuses them past five, which the bench ignores. */
let RESPONSE_URL = 'http://127.0.0.1:9/r';
const REQUESTS = 3_000;
const CONCURRENCY = 32;
const THROUGHPUT_MS = 3_000;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
}

function body(i: number): string {
  return slashCommandBody({
    text: 'help',
    userId: 'U0BENCH',
    channelId: 'C0BENCH',
    responseUrl: RESPONSE_URL,
    triggerId: `t.${i}`,
    teamId: 'T0BENCH',
  });
}

async function post(url: string, i: number): Promise<number> {
  const text = body(i);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: signedHeaders(SECRET, text),
    body: text,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return performance.now() - started;
}

async function latency(url: string, offset: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await post(url, offset + i));
  return times.sort((a, b) => a - b);
}

async function throughput(url: string, offset: number): Promise<number> {
  let done = 0;
  const until = performance.now() + THROUGHPUT_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      for (let i = 0; performance.now() < until; i++) {
        await post(url, offset + lane * 1_000_000 + i);
        done += 1;
      }
    }),
  );
  return done / (THROUGHPUT_MS / 1000);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function main(): Promise<void> {
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  const bareUrl = await listen(bare);

  const t = testTenant();
  const log = createLogger('silent');
  const api = await startSlackStandIn({ signingSecret: SECRET, rateLimits: false });
  api.addUser({ id: 'U0BENCH', name: 'bench', email: 'alice@contoso.com' });
  RESPONSE_URL = api.responseUrl();
  const slack = createSlack(
    { signingSecret: SECRET, botToken: api.botToken, apiUrl: api.apiUrl },
    {
      core: t.deps,
      refs: new MemoryMessageRefs(),
      identityCache: new MemoryIdentityCache(),
      replayGuard: new MemoryReplayGuard(),
      log,
    },
  );
  await slack.start();
  const route = slack.route;
  if (!route) throw new Error('no HTTP route');
  const bot = createHttpServer({
    log,
    checks: [],
    routes: new Map([['POST /slack/events', route]]),
  });
  const botUrl = await listen(bot);

  await latency(bareUrl, 0);
  await latency(botUrl, 10_000_000);
  const bareTimes = await latency(bareUrl, 20_000_000);
  const botTimes = await latency(botUrl, 30_000_000);
  const bareRps = await throughput(bareUrl, 40_000_000);
  const botRps = await throughput(botUrl, 50_000_000);

  const row = (name: string, times: number[], rps: number) =>
    `${name.padEnd(28)} p50 ${pct(times, 0.5).toFixed(3)} ms  p99 ${pct(times, 0.99).toFixed(3)} ms  ${Math.round(rps)} req/s`;
  console.log(row('bare node:http', bareTimes, bareRps));
  console.log(row('slack ack (/elevate help)', botTimes, botRps));
  console.log(
    `ack p99 over bare: +${(pct(botTimes, 0.99) - pct(bareTimes, 0.99)).toFixed(3)} ms (target ≤ 1.5 ms)`,
  );
  console.log(`signed requests/s vs bare: ${(botRps / bareRps).toFixed(2)} (target ≥ 0.25)`);
  bare.close();
  bot.close();
  await api.close();
  console.log(await benchExport());
  console.log(await benchExpiry(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'));
  process.exit(0);
}

await main();
