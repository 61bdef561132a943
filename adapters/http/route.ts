/**
 * What an HTTP route is, for every adapter that mounts one (Slack events, Bot Framework
 * messages, the sandbox console, export links). `bot/server.ts` serves them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../bot/core/ports/logger.ts';

/** `log` carries this HTTP request's id (`httpRequestId`), echoed as the `x-request-id` header. */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
) => Promise<void> | void;

/** Answers with `body` as JSON, length set, so clients need not read a chunked stream. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
