/**
 * The ARM client: tokens for `${ARM_BASE_URL}/.default` from the bot's credential, ARM's
 * refusal of a token for another audience, and bounded retries honouring Retry-After.
 */
import { describe, expect, it } from 'vitest';
import { ArmClient } from '../../../adapters/arm/client.ts';
import { ArmRefusedError, ArmUnavailableError } from '../../../adapters/arm/errors.ts';
import { SUB } from '../../contracts/azure-world.ts';
import { ids } from '../../contracts/entra-world.ts';
import { useArm } from './arm-fixture.ts';

const env = useArm();
const ELIGIBILITY = 'roleEligibilityScheduleInstances';
const eligibilityCalls = () => env.armCalls(ELIGIBILITY, 'GET');

describe('ArmClient', () => {
  it('signs in for the ARM origin and sends an encoded assignedTo filter', async () => {
    expect(await env.privileges().eligibilities(ids.alice)).toHaveLength(3);
    const tokenCalls = env.sim.calls.filter((c) => c.path.includes('/oauth2/v2.0/token'));
    expect(tokenCalls.map((c) => new URLSearchParams(String(c.body)).get('scope'))).toEqual([
      `${env.sim.armBaseUrl}/.default`,
    ]);
    expect(eligibilityCalls().map((c) => c.path)).toEqual([
      `${SUB}/providers/Microsoft.Authorization/${ELIGIBILITY}?api-version=2020-10-01&%24filter=assignedTo%28%27${ids.alice}%27%29`,
    ]);
  });

  it('takes https only', () => {
    expect(
      () => new ArmClient(env.credential(), { baseUrl: 'http://management.azure.com' }),
    ).toThrow(/https/);
  });

  it('is refused by ARM with a Graph token, and without one', async () => {
    const graphToken = await env.credential().getToken(`${env.sim.graphBaseUrl}/.default`);
    const url = `${env.sim.armBaseUrl}${SUB}/providers/Microsoft.Authorization/${ELIGIBILITY}?api-version=2020-10-01`;
    const withGraph = await fetch(url, {
      headers: { authorization: `Bearer ${graphToken?.token}` },
    });
    expect(withGraph.status).toBe(401);
    expect(await withGraph.json()).toMatchObject({
      error: { code: 'InvalidAuthenticationTokenAudience' },
    });
    const bare = await fetch(url);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('waits out a 429 for its Retry-After, then succeeds', async () => {
    env.sim.armFaults.throttle(1, 1, ELIGIBILITY);
    const started = performance.now();
    expect(await env.privileges().eligibilities(ids.alice)).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(eligibilityCalls()).toHaveLength(2);
  });

  it('throws for the job to retry when Retry-After is longer than it waits', async () => {
    env.sim.armFaults.throttle(1, 30, ELIGIBILITY);
    const failure = await env
      .privileges()
      .eligibilities(ids.alice)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArmUnavailableError);
    expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 30, code: 'arm.unavailable' });
    expect(eligibilityCalls()).toHaveLength(1);
  });

  it('retries outages a bounded number of times', async () => {
    env.sim.armFaults.unavailable(2, undefined, ELIGIBILITY);
    expect(await env.privileges().eligibilities(ids.alice)).toHaveLength(3);
    expect(eligibilityCalls()).toHaveLength(3);
    env.sim.clearCalls();
    env.sim.armFaults.unavailable(10, undefined, ELIGIBILITY);
    await expect(env.privileges({ maxRetries: 2 }).eligibilities(ids.alice)).rejects.toBeInstanceOf(
      ArmUnavailableError,
    );
    expect(eligibilityCalls()).toHaveLength(3);
  });

  it('turns a scope ARM does not know into a catalogue refusal', async () => {
    const unknown = '/subscriptions/00000000-0000-4000-8000-00000000dead';
    const failure = await env
      .privileges({}, [unknown])
      .eligibilities(ids.alice)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ArmRefusedError);
    expect(failure).toMatchObject({ code: 'arm.not_found' });
  });
});
