/**
 * The simulated tenant's HTTP(S) server: reads and parses each request, runs it through the
 * middleware list and then the handler, and writes the reply as JSON. HTTPS when given a
 * certificate (MSAL insists on an https authority), plain HTTP without.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SimMiddleware, SimReply, SimRequest } from './sim-request.ts';

export interface SimServerOptions {
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  readonly middleware: () => readonly SimMiddleware[];
  /** Whether a request to this pathname carries a valid Graph token (null: not a Graph call). */
  readonly graphAuth: (pathname: string, headers: IncomingMessage['headers']) => boolean | null;
  /** Set on the ARM server: whether a request carries a valid ARM token. */
  readonly armAuth?: (headers: IncomingMessage['headers']) => boolean;
  readonly handle: (req: SimRequest) => SimReply;
}

export interface SimServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startSimServer(o: SimServerOptions): Promise<SimServer> {
  let origin = '';
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((error: unknown) =>
      send(res, { status: 500, body: { error: String(error) } }),
    );
  };
  const server = o.tls
    ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, listener)
    : createHttpServer(listener);
  // A service keeps an idle client connection open far longer than Node's default 5 s, so
  // clients that keep connections (adapters/http/node-fetch.ts) meet it as they would Graph.
  server.keepAliveTimeout = 65_000;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    const url = new URL(req.url ?? '/', origin);
    const authenticated = o.graphAuth(url.pathname, req.headers);
    const request: SimRequest = {
      method: req.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      pathname: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: parseMaybe(raw),
      raw,
      graph:
        authenticated === null ? null : { path: url.pathname.slice('/v1.0'.length), authenticated },
      ...(o.armAuth ? { arm: { path: url.pathname, authenticated: o.armAuth(req.headers) } } : {}),
    };
    const chain = o.middleware().reduceRight<() => SimReply>(
      (next, mw) => () => mw(request, next),
      () => o.handle(request),
    );
    send(res, chain());
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `${o.tls ? 'https' : 'http'}://localhost:${port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** JSON, unless the reply names its own content type and brings the text (a page, a redirect). */
function send(res: ServerResponse, reply: SimReply): void {
  const raw = typeof reply.body === 'string' && reply.headers?.['content-type'] !== undefined;
  res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
  res.end(raw ? reply.body : JSON.stringify(reply.body));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseMaybe(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}
