/** The simulated tenant over HTTPS with the tests' throwaway CA (see test/global-setup.ts). */
import {
  type GraphStandInOptions,
  startGraphStandIn as startSimulatedTenant,
} from '../../../adapters/sandbox/graph/index.ts';
import { loadTestTls } from '../../support/tls.ts';

export type { GraphStandIn, RecordedCall } from '../../../adapters/sandbox/graph/index.ts';

export const startGraphStandIn = (options: Omit<GraphStandInOptions, 'tls'> = {}) =>
  startSimulatedTenant({ ...options, tls: loadTestTls() });
