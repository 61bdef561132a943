/**
 * The simulated tenant with Azure Resource Manager on its own origin, over HTTPS with the
 * tests' CA, with ARM faults and the call record of the Graph stand-in.
 */
import { type GraphStandIn, startGraphStandIn } from '../graph/index.ts';

export type { ArmFaults } from './faults.ts';

export interface ArmStandIn extends GraphStandIn {
  readonly armBaseUrl: string;
}

export async function startArmStandIn(
  options: Omit<Parameters<typeof startGraphStandIn>[0] & object, 'arm'> = {},
): Promise<ArmStandIn> {
  const sim = await startGraphStandIn({ ...options, arm: true });
  const armBaseUrl = sim.armBaseUrl;
  if (armBaseUrl === null) throw new Error('the simulated tenant started without ARM');
  return { ...sim, armBaseUrl };
}
