/** Every request the simulated tenant answered, sign-in included, for tests to assert on. */
import type { SimMiddleware } from '../../../adapters/entra-sim/index.ts';

export interface RecordedCall {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly at: number;
  /**
   * Whose bearer token came along, read from its claims (never the token itself): `user:<oid>`
   * for a person's delegated token, `app` for the app's own, null without one.
   */
  readonly caller: string | null;
}

function callerOf(authorization: string | undefined): string | null {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  if (!token) return null;
  try {
    const claims = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { oid?: unknown };
    return typeof claims.oid === 'string' ? `user:${claims.oid}` : 'app';
  } catch {
    return 'app';
  }
}

export function callRecorder(now: () => number): {
  calls: RecordedCall[];
  middleware: SimMiddleware;
} {
  const calls: RecordedCall[] = [];
  const middleware: SimMiddleware = (req, next) => {
    const reply = next();
    calls.push({
      method: req.method,
      path: req.url,
      body: req.body,
      status: reply.status,
      at: now(),
      caller: callerOf(req.headers.authorization),
    });
    return reply;
  };
  return { calls, middleware };
}
