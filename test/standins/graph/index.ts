/**
 * The simulated tenant over HTTPS with the tests' throwaway CA (see test/global-setup.ts),
 * with fault injection and a record of every call on top.
 */
import {
  type EntraSim,
  type EntraSimOptions,
  startEntraSim,
} from '../../../adapters/entra-sim/index.ts';
import { loadTestTls } from '../../support/tls.ts';
import { type GraphFaults, graphFaults } from './faults.ts';
import { callRecorder, type RecordedCall } from './recorder.ts';

export type { RecordedCall } from './recorder.ts';

export interface GraphStandIn extends EntraSim {
  readonly faults: GraphFaults;
  readonly calls: readonly RecordedCall[];
  clearCalls(): void;
}

export async function startGraphStandIn(
  options: Omit<EntraSimOptions, 'tls' | 'middleware'> = {},
): Promise<GraphStandIn> {
  const recorder = callRecorder(options.now ?? Date.now);
  const { faults, middleware } = graphFaults();
  const sim = await startEntraSim({
    ...options,
    tls: loadTestTls(),
    middleware: [recorder.middleware, middleware],
  });
  return {
    ...sim,
    faults,
    calls: recorder.calls,
    clearCalls: () => {
      recorder.calls.length = 0;
    },
  };
}
