/**
 * The simulated tenant over HTTPS with the tests' throwaway CA (see test/global-setup.ts),
 * with fault injection and a record of every call on top.
 */
import {
  type EntraSim,
  type EntraSimOptions,
  type IdClaims,
  startEntraSim,
} from '../../../adapters/entra-sim/index.ts';
import { loadTestTls } from '../../support/tls.ts';
import { type ArmFaults, armFaults } from '../arm/faults.ts';
import { type GraphFaults, graphFaults } from './faults.ts';
import { callRecorder, type RecordedCall } from './recorder.ts';

export type { RecordedCall } from './recorder.ts';

/** What the next ID token gets wrong (a sign-in from chat that must be refused). */
export type IdTokenFault =
  | 'expired'
  | 'wrong_audience'
  | 'wrong_nonce'
  | 'wrong_user'
  | 'wrong_tenant'
  | 'stale_sign_in'
  /** As Entra's v2.0 ID tokens: no `amr` at all. */
  | 'no_amr'
  /** The app registration lacks the optional claim `auth_time`. */
  | 'no_auth_time';

export interface GraphStandIn extends EntraSim {
  readonly faults: GraphFaults;
  /** Faults of Azure Resource Manager calls (started with `arm: true`). */
  readonly armFaults: ArmFaults;
  /** The next ID token issued carries `fault`. */
  idTokenFault(fault: IdTokenFault): void;
  readonly calls: readonly RecordedCall[];
  clearCalls(): void;
}

export async function startGraphStandIn(
  options: Omit<EntraSimOptions, 'tls' | 'middleware'> = {},
): Promise<GraphStandIn> {
  const recorder = callRecorder(options.now ?? Date.now);
  const { faults, middleware } = graphFaults();
  const arm = armFaults();
  let fault: IdTokenFault | null = null;
  const sim = await startEntraSim({
    ...options,
    tls: loadTestTls(),
    middleware: [recorder.middleware, middleware, arm.middleware],
    idTokenClaims: (claims) => {
      const next = fault;
      fault = null;
      return next ? withFault(claims, next) : claims;
    },
  });
  return {
    ...sim,
    faults,
    armFaults: arm.faults,
    idTokenFault: (f) => {
      fault = f;
    },
    calls: recorder.calls,
    clearCalls: () => {
      recorder.calls.length = 0;
    },
  };
}

function withFault(claims: IdClaims, fault: IdTokenFault): IdClaims {
  const hour = 3600;
  const at = (k: string) => (typeof claims[k] === 'number' ? (claims[k] as number) : 0);
  switch (fault) {
    case 'expired':
      return {
        ...claims,
        iat: at('iat') - 2 * hour,
        nbf: at('nbf') - 2 * hour,
        exp: at('iat') - hour,
      };
    case 'wrong_audience':
      return { ...claims, aud: '00000000-0000-4000-8000-0000000000aa' };
    case 'wrong_nonce':
      return { ...claims, nonce: 'another-nonce' };
    case 'wrong_user':
      return { ...claims, oid: '00000000-0000-4000-8000-0000000000bb' };
    case 'wrong_tenant':
      return { ...claims, tid: '00000000-0000-4000-8000-0000000000cc' };
    case 'stale_sign_in':
      return { ...claims, auth_time: at('auth_time') - hour };
    case 'no_amr': {
      const { amr: _amr, ...rest } = claims;
      return rest;
    }
    case 'no_auth_time': {
      const { auth_time: _authTime, ...rest } = claims;
      return rest;
    }
  }
}
