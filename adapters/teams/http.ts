/**
 * botbuilder's CloudAdapter wants Express-like request and response objects; these are the
 * few members it uses, on plain node:http, so the Teams endpoint shares the one server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'botbuilder';

const MAX_BODY_BYTES = 256 * 1024;

/** Null when the body is too large or not a JSON object (answered 413/400 by the caller). */
export async function readActivityRequest(
  req: IncomingMessage,
): Promise<Request | 'too_large' | 'bad_json'> {
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
  return {
    body: body as Record<string, unknown>,
    headers: req.headers,
    method: req.method ?? 'POST',
  };
}

export function expressLike(res: ServerResponse): Response {
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return this;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return this;
    },
    send(body?: unknown) {
      if (body === undefined || body === null) return res.end();
      if (typeof body === 'string' || Buffer.isBuffer(body)) return res.end(body);
      if (!res.hasHeader('content-type'))
        res.setHeader('content-type', 'application/json; charset=utf-8');
      return res.end(JSON.stringify(body));
    },
    end(...args: unknown[]) {
      return args.length > 0 && (typeof args[0] === 'string' || Buffer.isBuffer(args[0]))
        ? res.end(args[0])
        : res.end();
    },
  };
}
