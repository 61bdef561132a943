/**
 * Grants through PIM: the exact request Graph receives, idempotence after a lost response,
 * removal, and every refusal as a catalogue error; ending an eligibility (eligibility reviews)
 * the same way.
 */
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../../adapters/entra-sim/tenant.ts';
import { GraphUnavailableError } from '../../../adapters/graph/errors.ts';
import { ALICE, BOB, EXCHANGE, exchange, GLOBAL, grant, START, useGraph } from './graph-fixture.ts';

const env = useGraph();
const REQUESTS = '/roleManagement/directory/roleAssignmentScheduleRequests';
const posts = () => env.graphCalls(REQUESTS, 'POST');
const global = { ...exchange, id: GLOBAL, name: 'Global Administrator' };
const GONE = '00000000-0000-4000-8000-00000000dead';
const NOBODY = '00000000-0000-4000-8000-0000000000ff';

describe('activate', () => {
  it('sends adminAssign exactly as PIM expects and answers with the end', async () => {
    const { privileges } = env.adapter();
    expect(await privileges.activate(grant())).toEqual({
      ok: true,
      value: { endsAt: START + 7_200_000 },
    });
    expect(posts().map((c) => c.body)).toEqual([
      {
        action: 'adminAssign',
        principalId: ALICE,
        roleDefinitionId: EXCHANGE,
        directoryScopeId: '/',
        justification: grant().justification,
        ticketInfo: { ticketNumber: 'INC-4711', ticketSystem: 'elevate' },
        scheduleInfo: {
          startDateTime: '2026-11-23T09:00:00.000Z',
          expiration: { type: 'afterDuration', duration: 'PT2H' },
        },
      },
    ]);
    expect(env.graph.tenant.activeAssignments()).toMatchObject([
      { principalId: ALICE, roleDefinitionId: EXCHANGE, endDateTime: '2026-11-23T11:00:00.000Z' },
    ]);
  });

  it('sends no ticketInfo without a ticket, and odd durations in ISO 8601', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant({ ticket: null, durationSeconds: 5_430 }));
    const body = posts()[0]?.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('ticketInfo');
    expect(body.scheduleInfo).toEqual({
      startDateTime: '2026-11-23T09:00:00.000Z',
      expiration: { type: 'afterDuration', duration: 'PT1H30M30S' },
    });
  });

  it('treats the assignment this request made already as done, without a second grant', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant());
    env.now += 60_000;
    expect(await privileges.activate(grant({ startAt: env.now }))).toEqual({
      ok: true,
      value: { endsAt: START + 7_200_000 },
    });
    expect(env.graph.tenant.activeAssignments()).toHaveLength(1);
  });

  it('refuses when the role is active for another reason, saying until when', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant());
    const other = await privileges.activate(
      grant({ requestId: 'R0000002', justification: 'other | via elevate R0000002' }),
    );
    expect(other).toMatchObject({ ok: false, error: { code: 'graph.already_active' } });
    expect(other.ok || other.error.message).toContain('until 2026-11-23 11:00 UTC');
    // A request id that merely starts like ours is not ours.
    expect(
      await privileges.activate(
        grant({ requestId: 'R000000', justification: 'via elevate R000000' }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'graph.already_active' } });
    env.graph.tenant.addPermanentAssignment({ principalId: BOB, roleDefinitionId: EXCHANGE });
    env.graph.tenant.addEligibility({ principalId: BOB, roleDefinitionId: EXCHANGE });
    const standing = await privileges.activate(grant({ principalId: BOB }));
    expect(standing.ok || standing.error.message).toContain('with no end date');
    expect(env.graph.tenant.activeAssignments()).toHaveLength(2);
  });

  it('a POST whose answer was lost is retried by the SDK and grants once', async () => {
    env.graph.faults.failAfterCommit(1, REQUESTS);
    const { privileges } = env.adapter();
    expect(await privileges.activate(grant())).toEqual({
      ok: true,
      value: { endsAt: START + 7_200_000 },
    });
    expect(posts().map((c) => c.status)).toEqual([503, 400]);
    expect(env.graph.tenant.activeAssignments()).toHaveLength(1);
  });

  it('when every answer is lost it throws, and the job retry finds the grant made', async () => {
    env.graph.faults.failAfterCommit(2, REQUESTS);
    const { privileges } = env.adapter({ client: { maxRetries: 1 } });
    await expect(privileges.activate(grant())).rejects.toBeInstanceOf(GraphUnavailableError);
    expect(env.graph.tenant.activeAssignments()).toHaveLength(1);
    expect(await privileges.activate(grant())).toMatchObject({ ok: true });
    expect(env.graph.tenant.activeAssignments()).toHaveLength(1);
  });

  it('grants nothing Entra does not list as eligible now, before asking PIM', async () => {
    const { privileges } = env.adapter();
    expect(await privileges.activate(grant({ target: global }))).toMatchObject({
      ok: false,
      error: { code: 'policy.not_eligible' },
    });
    expect(await privileges.activate(grant({ principalId: BOB }))).toMatchObject({
      ok: false,
      error: { code: 'policy.not_eligible' },
    });
    expect(posts()).toEqual([]);
    expect(env.graph.tenant.activeAssignments()).toEqual([]);
  });

  it('takes a read of the eligibilities made under 2 s ago as the check, and reads again after', async () => {
    const { privileges } = env.adapter();
    const reads = () =>
      env.graphCalls('/roleManagement/directory/roleEligibilityScheduleInstances');
    await privileges.eligibilities(ALICE);
    const before = reads().length;
    env.now += 1_500;
    expect(await privileges.activate(grant({ startAt: env.now }))).toMatchObject({ ok: true });
    expect(reads()).toHaveLength(before);
    await privileges.deactivate(ALICE, exchange, 'R0000001');

    // Older than that, PIM is asked again: an eligibility removed meanwhile grants nothing.
    await privileges.eligibilities(ALICE);
    env.graph.tenant.removeEligibility(ALICE, EXCHANGE);
    env.now += 2_001;
    expect(await privileges.activate(grant({ startAt: env.now }))).toMatchObject({
      ok: false,
      error: { code: 'policy.not_eligible' },
    });
    expect(reads().length).toBeGreaterThan(before + 1);
  });

  it('reuses only an answer that covers the target: one that does not is asked again', async () => {
    const { privileges } = env.adapter();
    await privileges.eligibilities(ALICE);
    env.graph.tenant.addEligibility({ principalId: ALICE, roleDefinitionId: GLOBAL });
    expect(await privileges.activate(grant({ target: global }))).toMatchObject({ ok: true });
  });

  it("does not grant Azure roles: those are ARM's", async () => {
    const { privileges } = env.adapter();
    const azure = { ...exchange, kind: 'azure_role' as const };
    for (const result of [
      await privileges.activate(grant({ target: azure })),
      await privileges.extend(grant({ target: azure }), START + 3_600_000),
      await privileges.deactivate(ALICE, azure, 'R0000001'),
      await privileges.endEligibility(ALICE, azure, 'eligibility review'),
    ])
      expect(result).toMatchObject({ ok: false, error: { code: 'graph.unsupported_target' } });
    expect(env.graphCalls('', 'POST')).toEqual([]);
  });
});

describe('refusals', () => {
  it("PIM's duration and justification rules", async () => {
    env.graph.tenant.setPolicy(EXCHANGE, {
      adminMaximumDuration: 'PT1H',
      adminJustification: true,
    });
    const { privileges } = env.adapter();
    expect(await privileges.activate(grant())).toMatchObject({
      ok: false,
      error: { code: 'graph.duration_rejected' },
    });
    expect(
      await privileges.activate(grant({ durationSeconds: 1800, justification: ' ' })),
    ).toMatchObject({ ok: false, error: { code: 'graph.justification_rejected' } });
    expect(env.graph.tenant.activeAssignments()).toEqual([]);
  });

  it('a disabled role definition, and one that does not exist', async () => {
    env.graph.tenant.addRoleDefinition({
      id: GLOBAL,
      displayName: 'Global Administrator',
      isEnabled: false,
    });
    env.graph.tenant.addEligibility({ principalId: ALICE, roleDefinitionId: GLOBAL });
    env.graph.tenant.addEligibility({ principalId: ALICE, roleDefinitionId: GONE });
    const { privileges } = env.adapter();
    const disabled = await privileges.activate(grant({ target: global }));
    expect(disabled).toMatchObject({ ok: false, error: { code: 'graph.not_assignable' } });
    expect(disabled.ok || disabled.error.message).toContain('disabled or not assignable');
    expect(
      await privileges.activate(
        grant({
          target: { ...exchange, id: GONE, name: 'Gone' },
        }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'graph.not_found' } });
  });

  it('a missing permission, named with the admin-consent step', async () => {
    env.graph.tenant.revokePermission('RoleManagement.ReadWrite.Directory');
    const refused = await env.adapter().privileges.activate(grant());
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.permission_missing' } });
    expect(refused.ok || refused.error.message).toMatch(
      /`RoleManagement\.ReadWrite\.Directory`.*grant admin consent/,
    );
  });

  it('anything else PIM refuses, by its code', async () => {
    env.graph.tenant.addEligibility({ principalId: NOBODY, roleDefinitionId: EXCHANGE });
    const refused = await env.adapter().privileges.activate(grant({ principalId: NOBODY }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.rejected' } });
    expect(refused.ok || refused.error.message).toContain('`InvalidPrincipal`');
  });
});

describe('deactivate and extend', () => {
  it('removes with adminRemove; an assignment already gone is success', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant());
    expect(await privileges.deactivate(ALICE, exchange, 'R0000001')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(posts().at(-1)?.body).toEqual({
      action: 'adminRemove',
      principalId: ALICE,
      roleDefinitionId: EXCHANGE,
      directoryScopeId: '/',
      justification: 'ended by elevate R0000001',
    });
    expect(env.graph.tenant.activeAssignments()).toEqual([]);
    // Gone already: PIM answers RoleAssignmentDoesNotExist, which is what the caller wanted.
    expect(await privileges.deactivate(ALICE, exchange, 'R0000001')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(posts().map((c) => c.status)).toEqual([201, 201, 400]);
  });

  it('never removes an assignment the request did not make', async () => {
    env.graph.tenant.addPermanentAssignment({ principalId: BOB, roleDefinitionId: GLOBAL });
    const { privileges } = env.adapter();
    expect(await privileges.deactivate(BOB, global, 'R0000009')).toMatchObject({ ok: true });
    await privileges.activate(
      grant({ requestId: 'R0000002', justification: 'via elevate R0000002' }),
    );
    env.now += 3_600_000 * 3;
    await privileges.activate(grant({ startAt: env.now, justification: 'via elevate R0000003' }));
    // R0000002's grant has ended; the live one is R0000003's.
    expect(await privileges.deactivate(ALICE, exchange, 'R0000002')).toMatchObject({ ok: true });
    expect(env.graph.tenant.activeAssignments()).toHaveLength(2);
    expect(posts().filter((c) => (c.body as { action: string }).action === 'adminRemove')).toEqual(
      [],
    );
  });

  it('extends with adminExtend to the new end; a grant no longer there cannot be', async () => {
    const { privileges } = env.adapter();
    await privileges.activate(grant());
    expect(await privileges.extend(grant(), START + 3 * 3_600_000)).toEqual({
      ok: true,
      value: { endsAt: START + 3 * 3_600_000 },
    });
    expect(posts().at(-1)?.body).toMatchObject({
      action: 'adminExtend',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT3H' } },
    });
    expect(env.graph.tenant.activeAssignments()[0]?.endDateTime).toBe('2026-11-23T12:00:00.000Z');
    await privileges.deactivate(ALICE, exchange, 'R0000001');
    expect(await privileges.extend(grant(), START + 4 * 3_600_000)).toMatchObject({
      ok: false,
      error: { code: 'grant.not_active' },
    });
  });
});

describe('endEligibility', () => {
  const ELIGIBILITY_REQUESTS = '/roleManagement/directory/roleEligibilityScheduleRequests';
  const removals = () => env.graphCalls(ELIGIBILITY_REQUESTS, 'POST');
  const REVIEW = 'eligibility review RV000001: removed by bob@contoso.com';
  const done = { ok: true, value: undefined };

  it('sends adminRemove for the role at its scope; the eligibility is gone, and gone again is success', async () => {
    const { privileges } = env.adapter();
    expect(await privileges.endEligibility(ALICE, exchange, REVIEW)).toEqual(done);
    expect(removals().map((c) => c.body)).toEqual([
      {
        action: 'adminRemove',
        principalId: ALICE,
        roleDefinitionId: EXCHANGE,
        directoryScopeId: '/',
        justification: REVIEW,
      },
    ]);
    expect(await privileges.eligibilities(ALICE)).toEqual([]);
    expect(await privileges.endEligibility(ALICE, exchange, REVIEW)).toEqual(done);
    expect(removals().map((c) => c.status)).toEqual([201, 400]);
  });

  it('a POST whose answer was lost is retried by the SDK and is success', async () => {
    env.graph.faults.failAfterCommit(1, ELIGIBILITY_REQUESTS);
    expect(await env.adapter().privileges.endEligibility(ALICE, exchange, REVIEW)).toEqual(done);
    expect(removals().map((c) => c.status)).toEqual([503, 400]);
  });

  it('works with the narrow permission; without any, names the one to consent to', async () => {
    env.graph.tenant.revokePermission('RoleManagement.ReadWrite.Directory');
    const refused = await env.adapter().privileges.endEligibility(ALICE, exchange, REVIEW);
    expect(refused).toMatchObject({ ok: false, error: { code: 'graph.permission_missing' } });
    expect(refused.ok || refused.error.message).toMatch(
      /remove PIM eligibilities.*`RoleEligibilitySchedule\.ReadWrite\.Directory`.*grant admin consent/,
    );
    env.graph.tenant.grantPermissions([
      ...ALL_PERMISSIONS.filter((p) => p !== 'RoleManagement.ReadWrite.Directory'),
      'RoleEligibilitySchedule.ReadWrite.Directory',
    ]);
    expect(await env.adapter().privileges.endEligibility(ALICE, exchange, REVIEW)).toEqual(done);
  });

  it('a role that does not exist, and a principal Entra does not know, in the catalogue words', async () => {
    const { privileges } = env.adapter();
    expect(
      await privileges.endEligibility(ALICE, { ...exchange, id: GONE, name: 'Gone' }, REVIEW),
    ).toMatchObject({ ok: false, error: { code: 'graph.not_found' } });
    const unknown = await privileges.endEligibility(NOBODY, exchange, REVIEW);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'graph.rejected' } });
    expect(unknown.ok || unknown.error.message).toContain('`InvalidPrincipal`');
  });

  it('throws while Graph is down, for the caller to retry later', async () => {
    env.graph.faults.unavailable(5, 0, ELIGIBILITY_REQUESTS);
    const { privileges } = env.adapter({ client: { maxRetries: 1 } });
    await expect(privileges.endEligibility(ALICE, exchange, REVIEW)).rejects.toBeInstanceOf(
      GraphUnavailableError,
    );
    expect(await privileges.eligibilities(ALICE)).toHaveLength(1);
  });
});
