/**
 * A stand-in of Slack's Web API on 127.0.0.1 for the real @slack/web-api client
 * (slackApiUrl), with Slack's auth checks, error bodies and rate limits (HTTP 429 +
 * Retry-After), plus response_url and file-upload endpoints.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Args, METHODS } from './methods.ts';
import {
  type RecordedCall,
  type SlackChannel,
  SlackState,
  type SlackUser,
  type StoredMessage,
  type UploadedFile,
} from './state.ts';

export {
  blockActionBody,
  postToBot,
  signedHeaders,
  slashCommandBody,
  viewSubmissionBody,
} from './inbound.ts';
export type { RecordedCall, StoredMessage, UploadedFile } from './state.ts';

export interface SlackStandIn {
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly botUserId: string;
  addUser(u: SlackUser): void;
  addChannel(c: SlackChannel & { members?: string[] }): void;
  readonly messages: readonly StoredMessage[];
  messagesIn(channel: string): readonly StoredMessage[];
  dmOf(userId: string): string;
  readonly calls: readonly RecordedCall[];
  readonly responses: readonly { url: string; body: unknown }[];
  responseUrl(): string;
  readonly views: readonly { viewId: string; triggerId: string; view: unknown; updates: number }[];
  readonly files: readonly UploadedFile[];
  triggerId(): string;
  failNext(method: string, error: string, extra?: Record<string, unknown>): void;
  rateLimit(method: string, count: number, retryAfterSeconds: number): void;
  clear(): void;
  close(): Promise<void>;
}

/** chat.postMessage: about one message a second per channel, with a small burst. */
const BURST = 4;
/**
 * Per-minute limits of the listing and look-up methods (Slack's tiers: users.list Tier 2,
 * 20 a minute; users.lookupByEmail Tier 3, 50 a minute), enforced per method.
 */
const TIERS: Record<string, number> = { 'users.list': 20, 'users.lookupByEmail': 50 };

export async function startSlackStandIn(
  options: {
    botToken?: string;
    signingSecret?: string;
    teamId?: string;
    rateLimits?: boolean;
  } = {},
): Promise<SlackStandIn> {
  const state = new SlackState();
  const botToken = options.botToken ?? `xoxb-${randomBytes(8).toString('hex')}`;
  const botUserId = 'U0ELEVATE';
  const teamId = options.teamId ?? 'T0CONTOSO';
  const buckets = new Map<string, { tokens: number; at: number }>();
  let baseUrl = '';

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500).end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/response/')) return respondUrl(path, raw, res);
    if (path.startsWith('/upload/')) {
      const file = state.files.find((f) => f.id === path.slice('/upload/'.length));
      if (!file) return void res.writeHead(404).end();
      file.content = await uploadedText(req.headers['content-type'] ?? '', raw);
      return void res.writeHead(200).end('OK');
    }
    const method = path.replace(/^\/api\//, '');
    const args = parseArgs(req.headers['content-type'] ?? '', raw);
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ')
      ? header.slice(7)
      : typeof args.token === 'string'
        ? args.token
        : null;
    const record = (status: number, body: Record<string, unknown>) => {
      state.calls.push({
        method,
        args,
        token,
        status,
        ok: body.ok === true,
        ...(typeof body.error === 'string' ? { error: body.error } : {}),
        at: Date.now(),
      });
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 429 ? { 'retry-after': String(body.retryAfter) } : {}),
      });
      res.end(JSON.stringify(status === 429 ? { ok: false, error: 'ratelimited' } : body));
    };
    const limit = state.limits.get(method);
    if (limit && limit.count > 0) {
      limit.count -= 1;
      return record(429, { ok: false, error: 'ratelimited', retryAfter: limit.retryAfter });
    }
    const tier = TIERS[method];
    if (tier && options.rateLimits !== false && !withinTier(method, tier)) {
      return record(429, { ok: false, error: 'ratelimited', retryAfter: 60 });
    }
    if (
      method === 'chat.postMessage' &&
      options.rateLimits !== false &&
      typeof args.channel === 'string' &&
      !takeToken(args.channel)
    ) {
      return record(429, { ok: false, error: 'ratelimited', retryAfter: 1 });
    }
    const impl = METHODS[method];
    if (!impl) return record(404, { ok: false, error: 'unknown_method' });
    if (token === null) return record(200, { ok: false, error: 'not_authed' });
    if (token !== botToken) return record(200, { ok: false, error: 'invalid_auth' });
    const failure = state.failures.get(method)?.shift();
    if (failure) return record(200, { ok: false, error: failure.error, ...failure.extra });
    return record(200, impl(args, { state, botUserId, baseUrl, teamId }));
  }

  /** Calls per method in the last minute, for the per-minute tiers. */
  const tierCalls = new Map<string, number[]>();
  function withinTier(method: string, perMinute: number): boolean {
    const now = Date.now();
    const recent = (tierCalls.get(method) ?? []).filter((at) => now - at < 60_000);
    tierCalls.set(method, recent);
    if (recent.length >= perMinute) return false;
    recent.push(now);
    return true;
  }

  function takeToken(channel: string): boolean {
    const now = Date.now();
    const b = buckets.get(channel) ?? { tokens: BURST, at: now };
    b.tokens = Math.min(BURST, b.tokens + (now - b.at) / 1000);
    b.at = now;
    buckets.set(channel, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  function respondUrl(path: string, raw: Buffer, res: ServerResponse): void {
    const url = `${baseUrl.replace(/api\/$/, '')}${path.slice(1)}`;
    const used = state.responseUrls.get(url);
    if (used === undefined || used >= 5) return void res.writeHead(404).end('expired_url');
    state.responseUrls.set(url, used + 1);
    state.responses.push({ url, body: JSON.parse(raw.toString('utf8') || '{}') as unknown });
    res.writeHead(200).end('ok');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}/api/`;

  return {
    apiUrl: baseUrl,
    botToken,
    signingSecret: options.signingSecret ?? randomBytes(16).toString('hex'),
    teamId,
    botUserId,
    addUser: (u) => void state.users.set(u.id, u),
    addChannel: (c) => void state.channels.set(c.id, c),
    get messages() {
      return state.messages;
    },
    messagesIn: (channel) => state.messages.filter((m) => m.channel === channel),
    dmOf: (userId) => state.dmOf(userId),
    get calls() {
      return state.calls;
    },
    get responses() {
      return state.responses;
    },
    responseUrl() {
      const url = `http://127.0.0.1:${port}/response/${randomBytes(6).toString('hex')}`;
      state.responseUrls.set(url, 0);
      return url;
    },
    get views() {
      return state.views;
    },
    get files() {
      return state.files;
    },
    triggerId() {
      const id = `${Date.now()}.${randomBytes(4).toString('hex')}`;
      state.triggers.set(id, Date.now());
      return id;
    },
    failNext: (method, error, extra = {}) =>
      void state.failures.set(method, [...(state.failures.get(method) ?? []), { error, extra }]),
    rateLimit: (method, count, retryAfter) => void state.limits.set(method, { count, retryAfter }),
    clear() {
      state.messages.length = 0;
      state.calls.length = 0;
      state.responses.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** web-api posts the file as multipart form data (field `body`) or as the raw bytes. */
async function uploadedText(contentType: string, raw: Buffer): Promise<string> {
  if (!contentType.startsWith('multipart/form-data')) return raw.toString('utf8');
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const part = [...form.values()][0];
  return typeof part === 'string' ? part : ((await part?.text()) ?? '');
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Form bodies carry nested values (blocks, view, files) as JSON strings, as web-api sends them. */
function parseArgs(contentType: string, raw: Buffer): Args {
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) return (text ? JSON.parse(text) : {}) as Args;
  const args: Args = {};
  for (const [k, v] of new URLSearchParams(text)) {
    args[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return args;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
