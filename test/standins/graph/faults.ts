/**
 * Graph faults for the tests, on the simulated tenant's middleware: throttling (429 with
 * Retry-After), outages (503) and a lost response after the write went through. A fault hits
 * authenticated Graph calls under its path prefix, `count` times.
 */
import { graphError, throttled } from '../../../adapters/entra-sim/graph/errors.ts';
import { clientRequestId } from '../../../adapters/entra-sim/graph/service.ts';
import type { SimMiddleware } from '../../../adapters/entra-sim/index.ts';

type Fault = {
  kind: 'throttle' | 'unavailable' | 'after_commit';
  count: number;
  retryAfter?: number;
  prefix: string;
};

export interface GraphFaults {
  throttle(count: number, retryAfterSeconds: number, pathPrefix?: string): void;
  unavailable(count: number, retryAfterSeconds?: number, pathPrefix?: string): void;
  failAfterCommit(count: number, pathPrefix?: string): void;
}

export function graphFaults(): { faults: GraphFaults; middleware: SimMiddleware } {
  let faults: Fault[] = [];
  const add = (kind: Fault['kind'], count: number, prefix = '', retryAfter?: number) => {
    faults = [
      ...faults.filter((f) => f.count > 0),
      { kind, count, prefix, ...(retryAfter === undefined ? {} : { retryAfter }) },
    ];
  };
  const middleware: SimMiddleware = (req, next) => {
    const graph = req.graph;
    if (!graph?.authenticated) return next();
    const fault = faults.find((f) => f.count > 0 && graph.path.startsWith(f.prefix));
    if (!fault) return next();
    fault.count -= 1;
    const cid = clientRequestId(req);
    if (fault.kind === 'after_commit') {
      next();
      const lost = graphError(503, 'serviceNotAvailable', 'Service is unavailable.', cid);
      return { status: lost.status, body: lost.body };
    }
    return fault.kind === 'throttle'
      ? throttled(fault.retryAfter ?? 1)
      : graphError(
          503,
          'serviceNotAvailable',
          'Service is unavailable.',
          cid,
          fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {},
        );
  };
  return {
    faults: {
      throttle: (count, retryAfter, prefix) => add('throttle', count, prefix, retryAfter),
      unavailable: (count, retryAfter, prefix) => add('unavailable', count, prefix, retryAfter),
      failAfterCommit: (count, prefix) => add('after_commit', count, prefix),
    },
    middleware,
  };
}
