/**
 * The door for Slack's HTTP requests. Before Bolt sees anything: the body is read within a
 * size limit, the v0 signature and the timestamp window (five minutes either way) are checked,
 * and a request already seen is refused. A refused request gets 401 and leaves no trace.
 *
 * The signature is exactly what Slack sends, `v0=` and 64 lowercase hex digits: the HMAC-SHA256
 * of `v0:<timestamp>:<body>` under the signing secret, over the body's bytes as they came.
 * Bolt's own check (receivers/verify-request.js) is looser: it splits the header on `=` and
 * ignores the rest, so `v0=<hex>=1` verifies there, and it reads the timestamp with Number(),
 * so `0<ts>` signs as `<ts>`. Here only the exact form passes (the timestamp still as Bolt reads
 * it, so no spelling of it is a new request), and "already seen" is keyed on the digest, which
 * names exactly one (timestamp, body) pair. One HMAC per request under a key prepared once:
 * Bolt's check prepares the secret and compares through two more HMACs under a random key on
 * every request, a tenth of a millisecond of CPU at the load DESIGN.md sets.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '../../bot/core/ports/logger.ts';
import type { ReplayGuard } from '../../bot/core/ports/replay-guard.ts';

const MAX_BODY_BYTES = 1024 * 1024;
const WINDOW_SECONDS = 5 * 60;

export interface InboundOptions {
  readonly signingSecret: string;
  readonly replayGuard: ReplayGuard;
  /** Bolt's HTTPReceiver request listener; it re-uses the body we buffered (`rawBody`). */
  readonly next: (req: IncomingMessage, res: ServerResponse) => void;
  readonly now?: () => number;
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** True when `signature` is the v0 signature of `timestamp` and `body` under `key`. */
export function validSignature(
  key: KeyObject,
  signature: string,
  timestamp: number,
  body: Buffer,
): boolean {
  if (!SIGNATURE.test(signature)) return false;
  const expected = createHmac('sha256', key).update(`v0:${timestamp}:`).update(body).digest();
  return timingSafeEqual(Buffer.from(signature.slice(3), 'hex'), expected);
}

export function slackInbound(options: InboundOptions) {
  const now = options.now ?? Date.now;
  const key = createSecretKey(Buffer.from(options.signingSecret, 'utf8'));
  return async (req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) return refuse(res, 413);
    const timestamp = Number(header(req, 'x-slack-request-timestamp'));
    const signature = header(req, 'x-slack-signature');
    const nowSeconds = Math.floor(now() / 1000);
    const fresh = Number.isInteger(timestamp) && Math.abs(nowSeconds - timestamp) <= WINDOW_SECONDS;
    const valid = fresh && validSignature(key, signature, timestamp, body);
    if (!valid) {
      log.warn({ fresh }, 'refused a Slack request with a bad or stale signature');
      return refuse(res, 401);
    }
    const shape = payloadProblem(header(req, 'content-type'), body.toString('utf8'));
    if (shape) {
      log.warn({ problem: shape }, 'refused a signed Slack request that is not an interaction');
      return refuse(res, 400);
    }
    if (!(await options.replayGuard.firstSeen(replayKey(signature), 2 * WINDOW_SECONDS))) {
      log.warn('refused a replayed Slack request');
      return refuse(res, 401);
    }
    Object.assign(req, { rawBody: body });
    options.next(req, res);
  };
}

/** The verified digest (the header after `v0=`). */
export function replayKey(signature: string): string {
  return `slack:v0:${signature.slice(3)}`;
}

/** Interactions that someone did: each must say who (`user.id`), or no listener can act. */
const ACTED = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
]);

/**
 * Why a verified body is not something Bolt's listeners can act on, or null. Slack signs what
 * it sends, but a signed body can still be one Slack would never send (a replayed test, a
 * bug, another app's secret): refused with 400 here rather than a TypeError and a 500 later.
 */
export function payloadProblem(contentType: string, text: string): string | null {
  // Bolt's parseHTTPRequestBody: a form only for exactly this content type, else JSON.
  if (contentType !== 'application/x-www-form-urlencoded') {
    const body = parseObject(text);
    return body && typeof body.type === 'string' ? null : 'a JSON body without a type';
  }
  // node:querystring, as Bolt parses it: a repeated key is an array.
  const form = parseQuery(text);
  if (form.ssl_check === '1') return null;
  const { payload } = form;
  if (payload === undefined) {
    const command = form.command;
    const user = form.user_id;
    return typeof command === 'string' && typeof user === 'string' && user !== ''
      ? null
      : 'a form without command or user';
  }
  if (typeof payload !== 'string') return 'a form with several payloads';
  const body = parseObject(payload);
  if (!body || typeof body.type !== 'string') return 'a payload without a type';
  if (!ACTED.has(body.type)) return null;
  const user = body.user;
  const id = typeof user === 'object' && user !== null ? (user as { id?: unknown }).id : null;
  return typeof id === 'string' && id !== '' ? null : `a ${body.type} without a user`;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function refuse(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
