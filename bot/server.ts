/**
 * The one HTTP server (DESIGN.md "External interface"). Platform endpoints mount here as
 * routes; health and readiness are answered without touching any SDK.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type Handler, json } from '../adapters/http/route.ts';
import type { Logger } from './core/ports/logger.ts';
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
  readonly metrics?: Metrics;
}

const CHECK_TIMEOUT_MS = 1_000;

export function createHttpServer(options: ServerOptions): Server {
  const routes = new Map<string, Handler>([
    // `service` lets a second start on the same port tell that an elevate holds it.
    ['GET /healthz', (_req, res) => json(res, 200, { status: 'ok', service: 'elevate' })],
    ['GET /readyz', (_req, res) => readiness(res, options.checks)],
    ...(options.metrics ? [['GET /metrics', metricsRoute(options.metrics)] as const] : []),
    ...(options.routes ?? []),
  ]);
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handler = routes.get(`${req.method} ${path}`);
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    if (!handler) {
      json(res, 404, { error: 'not found' });
      return;
    }
    const log = options.log.child({ httpRequestId: id });
    const route = `${req.method} ${path}`;
    const timer = options.metrics?.latency.startTimer({ route });
    res.once('finish', () => {
      timer?.();
      options.metrics?.http.inc({ route, status: String(res.statusCode) });
    });
    Promise.resolve()
      .then(() => handler(req, res, log))
      .catch((error: unknown) => {
        log.error({ err: error, path }, 'request handler failed');
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
        else res.end();
      });
  });
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

function metricsRoute(metrics: Metrics): Handler {
  return async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(body);
  };
}
