/**
 * The Graph client's retry limits on the real SDK middleware: Retry-After honoured for 429,
 * 503 and 504, a few times and briefly; past that the call throws for the job to retry.
 */
import { describe, expect, it } from 'vitest';
import { GraphUnavailableError } from '../../../adapters/graph/errors.ts';
import { ALICE, grant, useGraph } from './graph-fixture.ts';

const env = useGraph();
const ROLES = '/roleManagement/directory/roleDefinitions';
const REQUESTS = '/roleManagement/directory/roleAssignmentScheduleRequests';
const statuses = (path: string) => env.graphCalls(path).map((c) => c.status);

describe('retries', () => {
  it('waits out 429 Retry-After and succeeds', async () => {
    const { privileges, stats } = env.adapter();
    env.graph.faults.throttle(2, 0.2, ROLES);
    const started = performance.now();
    expect(await privileges.listRoles()).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 200 - 20);
    expect(statuses(ROLES)).toEqual([429, 429, 200]);
    expect(stats.snapshot()).toMatchObject({
      requests: 3,
      retries: 2,
      byOutcome: { ok: 1, throttled: 2 },
    });
  });

  it('waits out 503 Retry-After, for writes too, and grants once', async () => {
    const { privileges, stats } = env.adapter();
    env.graph.faults.unavailable(2, 0.1, REQUESTS);
    expect(await privileges.activate(grant())).toMatchObject({ ok: true });
    expect(env.graphCalls(REQUESTS, 'POST').map((c) => c.status)).toEqual([503, 503, 201]);
    expect(env.graph.tenant.activeAssignments()).toHaveLength(1);
    expect(stats.snapshot().byOutcome.unavailable).toBe(2);
  });

  it('throws GraphUnavailableError when the retries run out, with the wait asked for', async () => {
    const { privileges, stats } = env.adapter({ client: { maxRetries: 2 } });
    const instances = '/roleManagement/directory/roleAssignmentScheduleInstances';
    env.graph.faults.throttle(10, 0.05, instances);
    const thrown = await privileges.activeAssignments(ALICE).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(GraphUnavailableError);
    expect(thrown).toMatchObject({ status: 429, retryAfterSeconds: 0.05 });
    expect(statuses(instances)).toEqual([429, 429, 429]);
    expect(stats.snapshot()).toMatchObject({ retries: 2 });
    env.graph.faults.unavailable(10, 0.05, REQUESTS);
    await expect(privileges.activate(grant())).rejects.toMatchObject({
      name: 'GraphUnavailableError',
      status: 503,
    });
    expect(env.graph.tenant.activeAssignments()).toEqual([]);
  });

  it('does not sit out a long Retry-After: the job waits instead', async () => {
    const { privileges } = env.adapter({ client: { maxWaitSeconds: 5 } });
    env.graph.faults.throttle(1, 120, ROLES);
    const started = performance.now();
    await expect(privileges.listRoles()).rejects.toMatchObject({ retryAfterSeconds: 120 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(statuses(ROLES)).toEqual([429]);
  });

  it('an unreachable Graph is an outage to retry, not a refusal', async () => {
    const { privileges, stats } = env.adapter();
    await privileges.listRoles();
    await env.graph.close();
    const thrown = await privileges.activeAssignments(ALICE).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(GraphUnavailableError);
    // The directory role and the group assignments, read together.
    expect(stats.snapshot().byOutcome.network_error).toBe(2);
  });
});

describe('the client', () => {
  it('attaches the token for the Graph host given (customHosts)', async () => {
    const { privileges } = env.adapter();
    await privileges.listRoles();
    const [call] = env.graphCalls(ROLES);
    // The stand-in answers 401 without a valid bearer token: a 200 proves it was attached.
    expect(call?.status).toBe(200);
  });

  it('asks Entra for one token when many calls start together', async () => {
    const { privileges, directory } = env.adapter();
    await Promise.all([
      privileges.listRoles(),
      privileges.activeAssignments(ALICE),
      directory.findUser(ALICE),
    ]);
    expect(env.graph.calls.filter((c) => c.path.includes('/oauth2/v2.0/token'))).toHaveLength(1);
  });
});
