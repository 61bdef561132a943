/**
 * The door for Slack's HTTP requests. Before Bolt sees anything: the body is read within a
 * size limit, the v0 signature and the timestamp window (five minutes either way) are checked,
 * and a request already seen is refused. A refused request gets 401 and leaves no trace.
 *
 * "Already seen" is keyed on what Bolt verified, not on the header text. Bolt 5
 * (receivers/verify-request.js) reads the header as `signature.split('=')` and keeps only the
 * first two parts, compares the second with the lowercase hex HMAC of
 * `v0:${Number(timestamp)}:${body}`, and ignores the rest: `v0=<hex>=1`, `v0=<hex>=` and
 * `v0=<hex>=anything` all verify, and so does a timestamp written `0…` or with spaces. The key
 * is therefore the verified digest alone, which names exactly one (timestamp, body) pair.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { isValidSlackRequest } from '@slack/bolt';
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

export function slackInbound(options: InboundOptions) {
  const now = options.now ?? Date.now;
  return async (req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) return refuse(res, 413);
    const timestamp = Number(header(req, 'x-slack-request-timestamp'));
    const signature = header(req, 'x-slack-signature');
    const nowSeconds = Math.floor(now() / 1000);
    const fresh = Number.isInteger(timestamp) && Math.abs(nowSeconds - timestamp) <= WINDOW_SECONDS;
    const valid =
      fresh &&
      isValidSlackRequest({
        signingSecret: options.signingSecret,
        body: body.toString('utf8'),
        headers: {
          'x-slack-signature': signature,
          'x-slack-request-timestamp': timestamp,
        },
        nowMilliseconds: now(),
      });
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

/** The digest Bolt compared: the second `=`-separated part of a verified `v0=` header. */
export function replayKey(signature: string): string {
  const digest = signature.split('=')[1] ?? '';
  return `slack:v0:${digest.toLowerCase()}`;
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
