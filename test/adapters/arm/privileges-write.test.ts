/**
 * Grants of Azure roles through ARM: the exact PUT ARM receives and its name, one request
 * after a lost answer, removal (not within 5 minutes, never a standing assignment), extension
 * and refusals as catalogue errors; ending an eligibility (eligibility reviews).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArmRefusedError } from '../../../adapters/arm/errors.ts';
import { requestName } from '../../../adapters/arm/request-name.ts';
import { CONTRIBUTOR, RG_PAYMENTS, azureTargets as t } from '../../contracts/azure-world.ts';
import { fakeDate, ids, START } from '../../contracts/entra-world.ts';
import { grant, useArm } from './arm-fixture.ts';

// Faked before the tenant starts, so the tenant and the adapter share the clock.
let clock: ReturnType<typeof fakeDate>;
beforeEach(() => {
  clock = fakeDate();
});
afterEach(() => clock.restore());
const env = useArm();

const MINUTE = 60_000;
const PROVIDER = '/providers/Microsoft.Authorization';
const requestPath = (name: string) =>
  `${RG_PAYMENTS}${PROVIDER}/roleAssignmentScheduleRequests/${name}?api-version=2020-10-01`;
const puts = () => env.armCalls('roleAssignmentScheduleRequests/', 'PUT');

describe('activate', () => {
  it('PUTs AdminAssign under the name derived from the request, as ARM expects', async () => {
    expect(await env.privileges().activate(grant())).toEqual({
      ok: true,
      value: { endsAt: START + 2 * 3_600_000 },
    });
    expect(puts()).toEqual([
      {
        path: requestPath(requestName('R0000001', t.contributorPayments, 'assign')),
        at: START,
        body: {
          properties: {
            principalId: ids.alice,
            roleDefinitionId: t.contributorPayments.id,
            requestType: 'AdminAssign',
            justification: grant().justification,
            ticketInfo: { ticketNumber: 'INC-4711', ticketSystem: 'elevate' },
            scheduleInfo: {
              startDateTime: '2026-11-23T09:00:00.000Z',
              expiration: { type: 'AfterDuration', duration: 'PT2H' },
            },
          },
        },
      },
    ]);
    expect(env.sim.tenant.azure.activeAssignments()).toMatchObject([
      {
        principalId: ids.alice,
        roleGuid: CONTRIBUTOR,
        scope: RG_PAYMENTS,
        assignmentType: 'Assigned',
      },
    ]);
  });

  it('sends no ticketInfo when the request has no ticket', async () => {
    await env.privileges().activate(grant({ ticket: null, target: t.readerPayments }));
    const body = puts()[0]?.body as { properties: Record<string, unknown> };
    expect(body.properties).not.toHaveProperty('ticketInfo');
  });

  it('retries a PUT whose answer was lost under the same name: one request, one grant', async () => {
    env.sim.armFaults.failAfterCommit(1, 'roleAssignmentScheduleRequests/');
    expect(await env.privileges().activate(grant())).toEqual({
      ok: true,
      value: { endsAt: START + 2 * 3_600_000 },
    });
    const paths = puts().map((c) => c.path);
    expect(paths).toHaveLength(2);
    expect(new Set(paths).size).toBe(1);
    expect(env.sim.tenant.azure.activeAssignments()).toHaveLength(1);
    expect(env.sim.tenant.azure.requests()).toHaveLength(1);
  });

  it("refuses a duration over PIM's maximum with the catalogue's duration error", async () => {
    expect(await env.privileges().activate(grant({ durationSeconds: 5 * 3600 }))).toMatchObject({
      ok: false,
      error: { code: 'graph.duration_rejected' },
    });
    expect(env.sim.tenant.azure.activeAssignments()).toEqual([]);
  });

  it('asks nothing of ARM for a target outside every eligibility', async () => {
    expect(await env.privileges().activate(grant({ target: t.contributorWeb }))).toMatchObject({
      ok: false,
      error: { code: 'policy.not_eligible' },
    });
    expect(puts()).toEqual([]);
  });

  it('serves Azure roles only', async () => {
    const role = {
      kind: 'directory_role' as const,
      id: 'x',
      name: 'Exchange Administrator',
      scope: '/',
    };
    const p = env.privileges();
    expect(await p.activate(grant({ target: role }))).toMatchObject({
      ok: false,
      error: { code: 'graph.unsupported_target' },
    });
    await expect(p.rules(role)).rejects.toBeInstanceOf(ArmRefusedError);
    expect(await p.endEligibility(ids.alice, role, 'eligibility review')).toMatchObject({
      ok: false,
      error: { code: 'graph.unsupported_target' },
    });
    expect(await p.listRoles()).toEqual([]);
  });
});

describe('deactivate', () => {
  it('PUTs AdminRemove under its own derived name once 5 minutes have passed', async () => {
    const p = env.privileges();
    await p.activate(grant());
    clock.advance(5 * MINUTE);
    expect(await p.deactivate(ids.alice, t.contributorPayments, 'R0000001')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(puts()[1]).toEqual({
      path: requestPath(requestName('R0000001', t.contributorPayments, 'remove')),
      at: START + 5 * MINUTE,
      body: {
        properties: {
          principalId: ids.alice,
          roleDefinitionId: t.contributorPayments.id,
          requestType: 'AdminRemove',
          justification: 'ended by elevate R0000001',
        },
      },
    });
    expect(env.sim.tenant.azure.activeAssignments()).toEqual([]);
  });

  it('turns ActiveDurationTooShort into arm.too_soon_to_remove with the time removal works', async () => {
    const p = env.privileges();
    await p.activate(grant());
    clock.advance(MINUTE);
    const refused = await p.deactivate(ids.alice, t.contributorPayments, 'R0000001');
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'arm.too_soon_to_remove', retryAt: START + 5 * MINUTE },
    });
    expect(refused.ok ? '' : refused.error.message).toContain('09:05 UTC');
    expect(env.sim.tenant.azure.activeAssignments()).toHaveLength(1);
  });

  it('leaves an assignment made outside PIM alone', async () => {
    env.sim.tenant.azure.addStanding({
      principalId: ids.alice,
      roleGuid: CONTRIBUTOR,
      scope: RG_PAYMENTS,
    });
    const p = env.privileges();
    expect(await p.deactivate(ids.alice, t.contributorPayments, 'R0000001')).toMatchObject({
      ok: true,
    });
    expect(puts()).toEqual([]);
    expect(await p.activeAssignments(ids.alice)).toEqual([
      {
        principalId: ids.alice,
        target: t.contributorPayments,
        startAt: 0,
        endsAt: null,
        viaSchedule: false,
      },
    ]);
  });
});

describe('extend', () => {
  it('PUTs AdminExtend from the original start to the new end, named for that end', async () => {
    const p = env.privileges();
    await p.activate(grant());
    const endsAt = START + 3 * 3_600_000;
    expect(await p.extend(grant(), endsAt)).toEqual({ ok: true, value: { endsAt } });
    expect(puts()[1]).toMatchObject({
      path: requestPath(requestName('R0000001', t.contributorPayments, `extend:${endsAt}`)),
      body: {
        properties: {
          requestType: 'AdminExtend',
          scheduleInfo: {
            startDateTime: '2026-11-23T09:00:00.000Z',
            expiration: { type: 'AfterDuration', duration: 'PT3H' },
          },
        },
      },
    });
  });
});

describe('endEligibility', () => {
  const REVIEW = 'eligibility review RV000001: removed by bob@contoso.com';
  const removals = () => env.armCalls('roleEligibilityScheduleRequests/', 'PUT');
  const NAMED =
    /^\/subscriptions\/[^/]+\/resourceGroups\/rg-payments\/providers\/Microsoft\.Authorization\/roleEligibilityScheduleRequests\/[0-9a-f-]{36}\?api-version=2020-10-01$/;
  const done = { ok: true, value: undefined };

  it('PUTs AdminRemove at the eligibility scope, a new name each time; gone again is success', async () => {
    const p = env.privileges();
    expect(await p.endEligibility(ids.alice, t.contributorPayments, REVIEW)).toEqual(done);
    expect(removals()[0]).toMatchObject({
      body: {
        properties: {
          requestType: 'AdminRemove',
          principalId: ids.alice,
          roleDefinitionId: t.contributorPayments.id,
          justification: REVIEW,
        },
      },
    });
    expect(removals()[0]?.path).toMatch(NAMED);
    expect((await p.eligibilities(ids.alice)).map((e) => e.target)).not.toContainEqual(
      t.contributorPayments,
    );
    expect(await p.endEligibility(ids.alice, t.contributorPayments, REVIEW)).toEqual(done);
    const paths = removals().map((c) => c.path);
    expect(paths).toHaveLength(2);
    expect(new Set(paths).size).toBe(2);
  });

  it('retries a PUT whose answer was lost under the same name, and is success', async () => {
    env.sim.armFaults.failAfterCommit(1, 'roleEligibilityScheduleRequests/');
    expect(await env.privileges().endEligibility(ids.alice, t.contributorPayments, REVIEW)).toEqual(
      done,
    );
    const paths = removals().map((c) => c.path);
    expect(paths).toHaveLength(2);
    expect(new Set(paths).size).toBe(1);
  });

  it('a scope ARM does not have, in the catalogue words', async () => {
    const gone = { ...t.contributorPayments, scope: `${RG_PAYMENTS}-old`, scopeName: 'rg-old' };
    const refused = await env.privileges().endEligibility(ids.alice, gone, REVIEW);
    expect(refused).toMatchObject({ ok: false, error: { code: 'arm.not_found' } });
    expect(refused.ok || refused.error.message).toContain('rg-payments-old');
  });

  it('ARM refuses bad input with its error bodies; a name used is the same request only', async () => {
    const client = env.client();
    const put = async (name: string, properties?: Record<string, unknown>) => {
      const answer = await client.send(
        'PUT',
        client.url(RG_PAYMENTS, 'roleEligibilityScheduleRequests', name),
        properties ? { properties } : {},
      );
      return answer.ok ? { status: answer.status } : answer.failure;
    };
    const remove = {
      requestType: 'AdminRemove',
      principalId: ids.alice,
      roleDefinitionId: t.contributorPayments.id,
    };
    const name = '0b8f6d1e-0000-4000-8000-000000000001';
    expect(await put(name)).toMatchObject({ status: 400, code: 'InvalidRequestContent' });
    expect(await put(name, { ...remove, requestType: 'AdminAssign' })).toMatchObject({
      status: 400,
      code: 'InvalidRequestContent',
    });
    expect(await put(name, { ...remove, roleDefinitionId: 'Contributor' })).toMatchObject({
      status: 400,
      code: 'RoleDefinitionDoesNotExist',
    });
    expect(await put(name, remove)).toEqual({ status: 201 });
    expect(await put(name, remove)).toEqual({ status: 200 });
    expect(await put(name, { ...remove, principalId: ids.carol })).toMatchObject({
      status: 400,
      code: 'RoleEligibilityScheduleRequestExists',
    });
    expect(await put('0b8f6d1e-0000-4000-8000-000000000002', remove)).toMatchObject({
      status: 400,
      code: 'RoleAssignmentDoesNotExist',
    });
  });
});
