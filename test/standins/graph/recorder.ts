/** Every request the simulated tenant answered, sign-in included, for tests to assert on. */
import type { SimMiddleware } from '../../../adapters/entra-sim/index.ts';

export interface RecordedCall {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly at: number;
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
    });
    return reply;
  };
  return { calls, middleware };
}
