/**
 * The one HTTP server (DESIGN.md "External interface"). Platform endpoints mount here as
 * routes; health and readiness are answered without touching any SDK.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type Handler, json } from '../adapters/http/route.ts';
import type { Logger } from './core/ports/logger.ts';
import { lazyChild } from './log.ts';
import type { Metrics } from './metrics.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

export interface ServerOptions {
  readonly log: Logger;
  readonly checks: readonly ReadinessCheck[];
  /** `METHOD /path` → handler, e.g. `POST /slack/events`. */
  readonly routes?: ReadonlyMap<string, Handler>;
  /** Counts every request; serves GET /metrics here unless `metricsElsewhere`. */
  readonly metrics?: Metrics;
  /** METRICS_PORT is set: /metrics is on its own server (createMetricsServer). */
  readonly metricsElsewhere?: boolean;
  /** METRICS_TOKEN: GET /metrics wants `Authorization: Bearer <token>`. */
  readonly metricsToken?: string;
}

const CHECK_TIMEOUT_MS = 1_000;

export function createHttpServer(options: ServerOptions): Server {
  const metrics = options.metrics;
  const routes = new Map<string, Handler>([
    // `service` lets a second start on the same port tell that an elevate holds it.
    ['GET /healthz', (_req, res) => json(res, 200, { status: 'ok', service: 'elevate' })],
    ['GET /readyz', (_req, res) => readiness(res, options.checks)],
    ...(metrics && !options.metricsElsewhere
      ? [['GET /metrics', metricsRoute(metrics, options.metricsToken)] as const]
      : []),
    ...(options.routes ?? []),
  ]);
  return serve(routes, options.log, metrics);
}

/** /metrics alone, for METRICS_PORT: a port the load balancer does not forward. */
export function createMetricsServer(options: {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly token?: string;
}): Server {
  return serve(
    new Map([['GET /metrics', metricsRoute(options.metrics, options.token)]]),
    options.log,
  );
}

function serve(routes: ReadonlyMap<string, Handler>, baseLog: Logger, metrics?: Metrics): Server {
  const paths = byPath(routes);
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    const methods = paths.get(path);
    if (!methods) return json(res, 404, { error: 'not found' });
    const method = req.method ?? 'GET';
    // HEAD is GET without the body (RFC 9110 9.3.2); Node drops the body of a HEAD answer.
    const head = method === 'HEAD' && !methods.has('HEAD') && methods.has('GET');
    const handler = methods.get(head ? 'GET' : method);
    if (!handler) {
      res.setHeader('allow', allowed(methods));
      return json(res, 405, { error: `${method} is not served here; use ${allowed(methods)}` });
    }
    if (head) endAfterHeaders(res);
    const log = lazyChild(baseLog, { httpRequestId: id });
    const route = `${head ? 'GET' : method} ${path}`;
    const timer = metrics?.latency.startTimer({ route });
    res.once('finish', () => {
      timer?.();
      metrics?.http.inc({ route, status: String(res.statusCode) });
    });
    Promise.resolve()
      .then(() => handler(req, res, log))
      .catch((error: unknown) => {
        log.error({ err: error, path }, 'request handler failed');
        // The body never carries the error's text: it may be an upstream service's answer.
        if (!res.headersSent) json(res, 500, { error: 'internal error', requestId: id });
        else res.end();
      });
  });
}

function byPath(routes: ReadonlyMap<string, Handler>): Map<string, Map<string, Handler>> {
  const paths = new Map<string, Map<string, Handler>>();
  for (const [key, handler] of routes) {
    const [method = '', path = ''] = key.split(' ');
    const methods = paths.get(path) ?? new Map<string, Handler>();
    methods.set(method, handler);
    paths.set(path, methods);
  }
  return paths;
}

function allowed(methods: ReadonlyMap<string, Handler>): string {
  const names = [...methods.keys()];
  if (methods.has('GET') && !methods.has('HEAD')) names.push('HEAD');
  return names.join(', ');
}

/**
 * A HEAD answer is complete with its headers: a streaming GET handler (server-sent events,
 * a CSV) would otherwise hold the connection open writing into nothing.
 */
function endAfterHeaders(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = (() => true) as ServerResponse['write'];
  res.writeHead = ((...args: unknown[]) => {
    writeHead(...args);
    setImmediate(() => {
      if (!res.writableEnded) res.end();
    });
    return res;
  }) as ServerResponse['writeHead'];
}

async function readiness(res: ServerResponse, checks: readonly ReadinessCheck[]): Promise<void> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), CHECK_TIMEOUT_MS);
        return [c.name, 'ok'] as const;
      } catch (error) {
        return [c.name, error instanceof Error ? error.message : 'unreachable'] as const;
      }
    }),
  );
  const ready = results.every(([, r]) => r === 'ok');
  json(res, ready ? 200 : 503, {
    status: ready ? 'ready' : 'not ready',
    checks: Object.fromEntries(results),
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function metricsRoute(metrics: Metrics, token?: string): Handler {
  const expected = token ? digest(`Bearer ${token}`) : null;
  return async (req, res) => {
    if (expected) {
      const given = digest(req.headers.authorization ?? '');
      // Equal-length digests, compared in constant time: nothing about the token leaks.
      if (!timingSafeEqual(given, expected)) {
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        return json(res, 401, { error: 'send Authorization: Bearer <METRICS_TOKEN>' });
      }
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(body);
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
