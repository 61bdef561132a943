/**
 * botbuilder's CloudAdapter wants Express-like request and response objects; these are the
 * few members it uses, on plain node:http, so the Teams endpoint shares the one server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'botbuilder';
import { z } from 'zod';

const MAX_BODY_BYTES = 256 * 1024;

/**
 * What every activity a channel sends carries (Bot Framework Activity schema): without these
 * botbuilder throws (a 500) or the bot cannot answer, so anything less is a 400.
 */
const Account = z.object({ id: z.string().min(1) }).passthrough();
const Activity = z
  .object({
    type: z.string().min(1),
    channelId: z.string().min(1),
    serviceUrl: z.string().url(),
    from: Account,
    conversation: Account,
    recipient: Account.optional(),
  })
  .passthrough();

export type ActivityProblem = 'too_large' | 'bad_json' | { readonly notActivity: string };

/** The request for CloudAdapter, or why the body is refused (413/400 by the caller). */
export async function readActivityRequest(
  req: IncomingMessage,
): Promise<Request | ActivityProblem> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return 'too_large';
    chunks.push(buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return 'bad_json';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'bad_json';
  const activity = Activity.safeParse(body);
  if (!activity.success) {
    const issue = activity.error.issues[0];
    return { notActivity: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
  }
  return {
    body: body as Record<string, unknown>,
    headers: req.headers,
    method: req.method ?? 'POST',
  };
}

/**
 * CloudAdapter answers a failed turn with 500 and the error's message as the body (botbuilder
 * cloudAdapter.js `end(500, err.message)`): that text may be an upstream service's. A 5xx
 * goes out with a fixed body instead; the error itself is logged by onTurnError.
 */
export function expressLike(res: ServerResponse): Response {
  let failed = false;
  const scrubbed = () => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    return res.end(JSON.stringify({ error: 'internal error' }));
  };
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      failed = code >= 500;
      return this;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return this;
    },
    send(body?: unknown) {
      if (failed) return scrubbed();
      if (body === undefined || body === null) return res.end();
      if (typeof body === 'string' || Buffer.isBuffer(body)) return res.end(body);
      if (!res.hasHeader('content-type'))
        res.setHeader('content-type', 'application/json; charset=utf-8');
      return res.end(JSON.stringify(body));
    },
    end(...args: unknown[]) {
      if (res.writableEnded) return res;
      if (failed) return scrubbed();
      return args.length > 0 && (typeof args[0] === 'string' || Buffer.isBuffer(args[0]))
        ? res.end(args[0])
        : res.end();
    },
  };
}
