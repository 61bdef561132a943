/**
 * ARM faults for the tests, on the simulated tenant's middleware: throttling (429 with
 * Retry-After), outages (503) and a lost answer after the write went through. A fault hits
 * authenticated ARM calls whose path (and query) contains `match`, `count` times.
 */
import { armError, armThrottled } from '../../../adapters/entra-sim/arm/reply.ts';
import type { SimMiddleware } from '../../../adapters/entra-sim/index.ts';

type Fault = {
  kind: 'throttle' | 'unavailable' | 'after_commit';
  count: number;
  retryAfter?: number;
  match: string;
};

export interface ArmFaults {
  throttle(count: number, retryAfterSeconds: number, match?: string): void;
  unavailable(count: number, retryAfterSeconds?: number, match?: string): void;
  failAfterCommit(count: number, match?: string): void;
}

export function armFaults(): { faults: ArmFaults; middleware: SimMiddleware } {
  let faults: Fault[] = [];
  const add = (kind: Fault['kind'], count: number, match = '', retryAfter?: number) => {
    faults = [
      ...faults.filter((f) => f.count > 0),
      { kind, count, match, ...(retryAfter === undefined ? {} : { retryAfter }) },
    ];
  };
  const middleware: SimMiddleware = (req, next) => {
    if (!req.arm?.authenticated) return next();
    const fault = faults.find((f) => f.count > 0 && req.url.includes(f.match));
    if (!fault) return next();
    fault.count -= 1;
    const outage = () =>
      armError(
        503,
        'ServiceUnavailable',
        'The service is unavailable.',
        fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {},
      );
    if (fault.kind === 'after_commit') {
      next();
      return outage();
    }
    return fault.kind === 'throttle' ? armThrottled(fault.retryAfter ?? 1) : outage();
  };
  return {
    faults: {
      throttle: (count, retryAfter, match) => add('throttle', count, match, retryAfter),
      unavailable: (count, retryAfter, match) => add('unavailable', count, match, retryAfter),
      failAfterCommit: (count, match) => add('after_commit', count, match),
    },
    middleware,
  };
}
