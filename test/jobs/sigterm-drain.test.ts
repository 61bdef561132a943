/**
 * SIGTERM to a real bot process (`node bot/main.ts`, as the image runs it), against the Slack
 * and Graph stand-ins and real Redis:
 * - during an activation whose PIM call outlasts the drain's grace for jobs: the process exits
 *   0 within 10 s and hands the job back; a new process resumes it, and the role is granted,
 *   recorded and announced once;
 * - with Redis down: the process still exits 0 within 10 s, and says once that Redis is gone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Integrity } from '../../adapters/integrity.ts';
import { RedisAuditLog } from '../../adapters/redis/audit-log.ts';
import { RedisRequestStore } from '../../adapters/redis/request-store.ts';
import { POLICY, ROLES, startTenant, TENANT } from '../e2e/world.ts';
import type { GraphStandIn } from '../standins/graph/index.ts';
import {
  postToBot,
  type SlackStandIn,
  slashCommandBody,
  startSlackStandIn,
} from '../standins/slack/index.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import { freshRedis, TRUSTED_REDIS_ENV } from '../support/redis.ts';
import { loadTestTls } from '../support/tls.ts';
import { waitFor } from '../support/wait.ts';

const MAIN = fileURLToPath(new URL('../../bot/main.ts', import.meta.url));
const cleanup = cleanupAfterEach();

interface BotProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** Sends SIGTERM; resolves with the exit code and how long the exit took. */
  terminate(): Promise<{ code: number | null; ms: number }>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function startBot(env: Record<string, string>): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  cleanup(async () => {
    process.off('exit', orphan);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`bot exited (${child.exitCode}): ${output}`);
      return fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    20_000,
    'the bot process to be ready',
  );
  return {
    child,
    url,
    output: () => output,
    async terminate() {
      const started = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}

/**
 * An HTTPS hop in front of Graph that holds the first PIM assignment request for `holdMs`
 * before passing it on: PIM answering slowly. It passes it on even when the bot that asked is
 * gone, as PIM would carry out a request it had received.
 */
async function slowPim(graph: GraphStandIn, holdMs: number) {
  const tls = loadTestTls();
  let held = 0;
  const server = createHttpsServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    void (async () => {
      const body = await readAll(req);
      const assign =
        req.method === 'POST' &&
        (req.url ?? '').endsWith('/roleAssignmentScheduleRequests') &&
        body.includes('"adminAssign"');
      if (assign && held++ === 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (e): e is [string, string] =>
            typeof e[1] === 'string' && !['host', 'content-length', 'connection'].includes(e[0]),
        ),
      );
      const answer = await fetch(new URL(req.url ?? '/', graph.graphBaseUrl), {
        method: req.method ?? 'GET',
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const text = await answer.text();
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        ...(answer.headers.get('retry-after')
          ? { 'retry-after': answer.headers.get('retry-after') ?? '' }
          : {}),
      });
      res.end(text);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  cleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `https://localhost:${address.port}`, held: () => held };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function policyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-drain-'));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'policy.yaml');
  writeFileSync(path, POLICY);
  return path;
}

async function chat(): Promise<SlackStandIn> {
  const slack = await startSlackStandIn();
  cleanup(() => slack.close());
  const alice = TENANT.alice;
  slack.addUser({ id: alice.slack, name: 'alice', realName: alice.name, email: alice.upn });
  slack.addChannel({ id: 'C0SECURITY', name: 'security', botIsMember: true });
  slack.addChannel({ id: 'C0APPROVALS', name: 'pim-approvals', botIsMember: true });
  return slack;
}

function botEnv(slack: SlackStandIn, graph: GraphStandIn, graphUrl: string, redis: string) {
  return {
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    AZURE_TENANT_ID: graph.tenantId,
    AZURE_CLIENT_ID: graph.clientId,
    AZURE_CLIENT_SECRET: graph.clientSecret,
    AZURE_AUTHORITY_HOST: graph.authorityHost,
    GRAPH_BASE_URL: graphUrl,
    REDIS_URL: redis,
    POLICY_FILE: policyFile(),
    PUBLIC_URL: 'https://elevate.contoso.example',
    ...TRUSTED_REDIS_ENV,
  };
}

async function elevate(bot: BotProcess, slack: SlackStandIn, text: string): Promise<string> {
  const responseUrl = slack.responseUrl();
  const body = slashCommandBody({
    text,
    userId: TENANT.alice.slack,
    channelId: 'C0OPS',
    responseUrl,
    triggerId: slack.triggerId(),
    teamId: slack.teamId,
  });
  const res = await postToBot(`${bot.url}/slack/events`, slack.signingSecret, body);
  expect(res.status).toBe(200);
  const reply = await waitFor(
    () => slack.responses.find((r) => r.url === responseUrl),
    10_000,
    'the reply to /elevate',
  );
  const id = /R[0-9A-Z]{7,}/.exec(JSON.stringify(reply.body))?.[0];
  if (!id) throw new Error(`no request id in ${JSON.stringify(reply.body)}`);
  return id;
}

/** The bot's sealing key, so the test reads what the bot wrote. */
const KEY = Integrity.fromSecret(TRUSTED_REDIS_ENV.ELEVATE_HMAC_KEY);

describe('SIGTERM to a bot process', () => {
  it('during an activation: exits 0 within 10 s, and the next process grants it once', async () => {
    const graph = await startTenant();
    cleanup(() => graph.close());
    const slack = await chat();
    const redis = await freshRedis();
    cleanup(() => redis.cleanup());
    // Longer than the drain waits for a running job (5 s): the job is handed back.
    const pim = await slowPim(graph, 7_000);
    const env = {
      ...botEnv(slack, graph, pim.url, 'redis://127.0.0.1:6379'),
      REDIS_PREFIX: redis.prefix,
    };
    const store = new RedisRequestStore(redis.redis, redis.prefix, KEY);

    const first = await startBot(env);
    const id = await elevate(first, slack, 'Helpdesk Administrator 1h resetting a locked account');
    await waitFor(() => pim.held() === 1, 10_000, 'the activation to reach PIM');
    expect((await store.get(id))?.state).toBe('activating');

    const { code, ms } = await first.terminate();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(first.output()).toContain('shutting down');
    expect(first.output()).toContain('drained; exiting');

    const second = await startBot(env);
    const active = await waitFor(
      async () => {
        const r = await store.get(id);
        return r?.state === 'active' ? r : null;
      },
      30_000,
      'the next process to resume the activation',
    );
    expect(active.endsAt).toBeGreaterThan(Date.now());
    const holds = graph.tenant
      .activeAssignments()
      .filter((a) => a.principalId === TENANT.alice.id && a.roleDefinitionId === ROLES.helpdesk.id);
    expect(holds).toHaveLength(1);
    const events = await new RedisAuditLog(redis.redis, redis.prefix, KEY).list({ limit: 1_000 });
    const actions = events.filter((e) => e.requestId === id).map((e) => e.action);
    expect(actions.filter((a) => a === 'grant.activating')).toHaveLength(1);
    expect(actions.filter((a) => a === 'grant.activated')).toHaveLength(1);
    const announced = await waitFor(
      () => {
        const found = slack.messagesIn('C0SECURITY').filter((m) => m.text.includes(id));
        return found.length > 0 ? found : null;
      },
      10_000,
      'the activation in the security channel',
    );
    // A moment for a second announcement, should one be coming.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(slack.messagesIn('C0SECURITY').filter((m) => m.text.includes(id))).toHaveLength(
      announced.length,
    );
    expect(announced).toHaveLength(1);

    expect((await second.terminate()).code).toBe(0);
  }, 90_000);

  it('with Redis down: exits 0 within 10 s and says once that Redis is unreachable', async () => {
    const graph = await startTenant();
    cleanup(() => graph.close());
    const slack = await chat();
    const redis = await startPrivateRedis(['--save', '', '--appendonly', 'no']);
    cleanup(() => redis.remove());
    const bot = await startBot({
      ...botEnv(slack, graph, graph.graphBaseUrl, redis.url),
      REDIS_PREFIX: 'elevate',
    });

    await redis.stop('sigkill');
    // Long enough for many reconnect attempts.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const { code, ms } = await bot.terminate();
    expect(code, bot.output().slice(-3_000)).toBe(0);
    expect(ms).toBeLessThan(10_000);
    const lines = bot.output().split('\n');
    // Once, from the storage's client: the workers' and queues' reconnect failures (several a
    // second) are not logged, nor printed raw.
    expect(lines.filter((l) => l.includes('redis unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('ECONNREFUSED')).length).toBeLessThanOrEqual(1);
    expect(lines.filter((l) => l.includes('worker error'))).toEqual([]);
    // Nothing printed outside the JSON log (BullMQ prints unhandled queue errors raw).
    expect(lines.filter((l) => l.trim() !== '' && !l.startsWith('{'))).toEqual([]);
  }, 40_000);
});
