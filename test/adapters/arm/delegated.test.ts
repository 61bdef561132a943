/**
 * Delegated mode for Azure roles against the ARM stand-in: SelfActivate and SelfDeactivate
 * PUT with the person's own ARM token (the code flow, `user_impersonation`), linked to the
 * eligibility they hold; ARM refuses the app's token, someone else's and a Graph token with
 * its 401/403, and PIM's rules (MFA from the token's `amr`, ticket, eligibility, its own
 * approval) come back as the catalogue's delegated-mode errors. Ending within 5 minutes is
 * refused with the time it may be ended; one that is gone already counts as ended.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArmDelegated } from '../../../adapters/arm/delegated.ts';
import { READER, RG_PAYMENTS, SUB, azureTargets as t } from '../../contracts/azure-world.ts';
import { fakeDate, ids, START } from '../../contracts/entra-world.ts';
import { DIRECTORY_SCOPE, userToken } from '../graph/user-token.ts';
import { grant, useArm } from './arm-fixture.ts';

let clock: ReturnType<typeof fakeDate>;
beforeEach(() => {
  clock = fakeDate();
});
afterEach(() => clock.restore());
const env = useArm();

const MINUTE = 60_000;
const adapter = () => new ArmDelegated(env.client({ maxRetries: 0 }));
/** A person's delegated ARM token through the stand-in's authorize and token endpoints. */
const armToken = (user: string, mfa = false) =>
  userToken(env.sim, user, mfa, [adapter().scopeFor('azure_role') ?? '']);
const puts = () =>
  env.sim.calls
    .filter((c) => c.method === 'PUT' && c.path.includes('roleAssignmentScheduleRequests/'))
    .map((c) => ({ caller: c.caller, status: c.status, body: c.body }));
const active = () =>
  env.sim.tenant.azure.activeAssignments().map((a) => `${a.principalId} ${a.assignmentType}`);

describe('self-activation of an Azure role', () => {
  it("asks for ARM's user_impersonation, PUTs SelfActivate with the person's own token, linked to the eligibility", async () => {
    expect(adapter().scopeFor('azure_role')).toBe(`${env.sim.armBaseUrl}/user_impersonation`);
    expect(adapter().scopeFor('directory_role')).toBeNull();
    const token = await armToken('alice@contoso.com');
    expect(await adapter().selfActivate(token, grant())).toEqual({
      ok: true,
      value: { endsAt: START + 2 * 3_600_000 },
    });
    const [put] = puts();
    expect(put).toMatchObject({
      caller: `user:${ids.alice}`,
      status: 201,
      body: {
        properties: {
          principalId: ids.alice,
          roleDefinitionId: t.contributorPayments.id,
          requestType: 'SelfActivate',
          linkedRoleEligibilityScheduleId: expect.stringMatching(
            new RegExp(
              `^${RG_PAYMENTS}/providers/Microsoft.Authorization/roleEligibilitySchedules/`,
            ),
          ),
          justification: grant().justification,
          ticketInfo: { ticketNumber: 'INC-4711', ticketSystem: 'elevate' },
          scheduleInfo: {
            startDateTime: '2026-11-23T09:00:00.000Z',
            expiration: { type: 'AfterDuration', duration: 'PT2H' },
          },
        },
      },
    });
    expect(active()).toEqual([`${ids.alice} Activated`]);
  });

  it("refuses the app's own token, someone else's and a Graph token, as ARM does", async () => {
    const app = (await env.credential().getToken(`${env.sim.armBaseUrl}/.default`))?.token ?? '';
    const carol = await armToken('carol@contoso.com', true);
    const graph = await userToken(env.sim, 'alice@contoso.com', true, [DIRECTORY_SCOPE]);
    for (const token of [app, carol, graph])
      expect(await adapter().selfActivate(token, grant())).toMatchObject({
        ok: false,
        error: { code: 'delegated.refused' },
      });
    expect(puts().map((p) => [p.caller, p.status])).toEqual([
      ['app', 403],
      [`user:${ids.carol}`, 403],
      [`user:${ids.alice}`, 401],
    ]);
    expect(active()).toEqual([]);
  });

  it("applies PIM's MFA rule from the token's amr, and says to sign in with MFA", async () => {
    env.sim.tenant.azure.setPolicy(READER, { mfa: true });
    const reader = grant({ target: t.readerPayments });
    expect(await adapter().selfActivate(await armToken('alice@contoso.com'), reader)).toMatchObject(
      { ok: false, error: { code: 'delegated.mfa_required' } },
    );
    expect(active()).toEqual([]);
    const withMfa = await armToken('alice@contoso.com', true);
    expect((await adapter().selfActivate(withMfa, reader)).ok).toBe(true);
    expect(active()).toEqual([`${ids.alice} Activated`]);
  });

  it("reads PIM's ticket and eligibility rules as the catalogue's delegated errors", async () => {
    const token = await armToken('alice@contoso.com', true);
    expect(await adapter().selfActivate(token, grant({ ticket: null }))).toMatchObject({
      ok: false,
      error: { code: 'delegated.ticket_required' },
    });
    expect(await adapter().selfActivate(token, grant({ target: t.contributorWeb }))).toMatchObject({
      ok: false,
      error: { code: 'delegated.not_eligible' },
    });
    expect(active()).toEqual([]);
  });
});

describe("PIM's own approval of an Azure role", () => {
  const reader = () => grant({ target: t.readerSub });
  /** Alice's self-activation of Reader, held for Carol: the approval id ARM gave. */
  async function held(): Promise<string> {
    env.sim.tenant.azure.setPolicy(READER, { approval: true, approvers: [ids.carol] });
    const asked = await adapter().selfActivate(await armToken('alice@contoso.com', true), reader());
    if (!asked.ok) throw new Error(asked.error.message);
    expect(asked.value.endsAt).toBe(START + 2 * 3_600_000);
    return asked.value.pendingApproval?.approvalId ?? '';
  }
  const decide = async (
    user: string,
    approvalId: string,
    decision: 'approve' | 'deny' = 'approve',
  ) =>
    adapter().reviewApproval(await armToken(user, true), t.readerSub, approvalId, decision, 'ok');
  /** What PIM says of it, read with the app's permission (reconcile follows it). */
  const pimState = (requestId = 'R0000001') =>
    adapter().activationState(ids.alice, t.readerSub, requestId);
  const approvalCalls = () =>
    env.sim.calls
      .filter((c) => c.path.includes('/roleAssignmentApprovals/'))
      .map((c) => `${c.method} ${c.caller} ${c.status}`);
  const statuses = () =>
    env.sim.tenant.azure
      .requests()
      .map((r) => (r as { properties: { status: string } }).properties.status);

  it('answers PendingApproval with its approval id, and holds a second self-activation', async () => {
    const approvalId = await held();
    // ARM names the approval by its full resource id at the request's scope.
    expect(approvalId).toMatch(
      new RegExp(
        `^${SUB}/providers/Microsoft.Authorization/roleAssignmentApprovals/[0-9a-f-]{36}$`,
      ),
    );
    expect(
      await adapter().selfActivate(await armToken('alice@contoso.com', true), reader()),
    ).toMatchObject({ ok: false, error: { code: 'delegated.pending_exists' } });
    expect(active()).toEqual([]);
    expect(await pimState()).toEqual({ ok: true, value: { state: 'pending_approval' } });
    expect(await pimState('R9999999')).toEqual({ ok: true, value: { state: 'unknown' } });
    // The approvers are read from PIM's rule with the app's permission.
    const rules = await env.privileges().rules(t.readerSub);
    expect(rules).toMatchObject({ approvalRequired: true, approverIds: [ids.carol] });
  });

  it('is approved by a listed approver with her own token: the assignment is made, PIM says Provisioned', async () => {
    const approvalId = await held();
    clock.advance(10 * 60_000);
    expect(await decide('carol@contoso.com', approvalId)).toEqual({ ok: true, value: undefined });
    expect(active()).toEqual([`${ids.alice} Activated`]);
    expect(statuses()).toEqual(['Provisioned']);
    // The activation's two hours run from the approval on.
    expect(await pimState()).toEqual({
      ok: true,
      value: { state: 'granted', endsAt: START + 10 * 60_000 + 2 * 3_600_000 },
    });
    const put = env.sim.calls.find((c) => c.method === 'PUT' && c.path.includes('/stages/'));
    expect(put?.path).toContain('/roleAssignmentApprovals/');
    expect(put?.body).toEqual({ properties: { reviewResult: 'Approve', justification: 'ok' } });
    // Decided once: the stage reads Completed, and ARM refuses a second decision with 409.
    expect(await decide('carol@contoso.com', approvalId, 'deny')).toMatchObject({
      ok: false,
      error: { code: 'delegated.pim_already_reviewed' },
    });
    const again = await fetch(`${env.sim.armBaseUrl}${put?.path}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await armToken('carol@contoso.com', true)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ properties: { reviewResult: 'Deny' } }),
    });
    expect(again.status).toBe(409);
    expect(active()).toEqual([`${ids.alice} Activated`]);
  });

  it('is denied by a listed approver: nothing is assigned, PIM says Denied', async () => {
    const approvalId = await held();
    expect((await decide('carol@contoso.com', approvalId, 'deny')).ok).toBe(true);
    expect(active()).toEqual([]);
    expect(statuses()).toEqual(['Denied']);
    expect(await pimState()).toEqual({ ok: true, value: { state: 'denied' } });
  });

  it("refuses the requester, the app's own token and a Graph token: not PIM's approvers", async () => {
    const approvalId = await held();
    expect(await decide('alice@contoso.com', approvalId)).toMatchObject({
      ok: false,
      error: { code: 'delegated.pim_not_approver' },
    });
    const app = (await env.credential().getToken(`${env.sim.armBaseUrl}/.default`))?.token ?? '';
    const graph = await userToken(env.sim, 'carol@contoso.com', true, [DIRECTORY_SCOPE]);
    for (const token of [app, graph])
      expect(
        await adapter().reviewApproval(token, t.readerSub, approvalId, 'approve', 'ok'),
      ).toMatchObject({ ok: false, error: { code: 'delegated.pim_not_approver' } });
    // ARM's own answer to a stage decision by someone it does not list.
    const stage = (await (
      await fetch(`${env.sim.armBaseUrl}${approvalId}?api-version=2021-01-01-preview`, {
        headers: { authorization: `Bearer ${app}` },
      })
    ).json()) as { properties: { stages: { name: string; properties: object }[] } };
    expect(stage.properties.stages[0]?.properties).toMatchObject({ assignedToMe: false });
    const refused = await fetch(
      `${env.sim.armBaseUrl}${approvalId}/stages/${stage.properties.stages[0]?.name}?api-version=2021-01-01-preview`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${app}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { reviewResult: 'Approve' } }),
      },
    );
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'AuthorizationFailed',
    );
    expect(approvalCalls()).toEqual([
      `GET user:${ids.alice} 200`,
      'GET app 200',
      `GET user:${ids.carol} 401`,
      'GET app 200',
      'PUT app 403',
    ]);
    expect(active()).toEqual([]);
    expect(await pimState()).toEqual({ ok: true, value: { state: 'pending_approval' } });
  });

  it('takes a bare approval GUID too, at the tenant root', async () => {
    const guid = (await held()).split('/').pop() ?? '';
    expect((await decide('carol@contoso.com', guid)).ok).toBe(true);
    expect(approvalCalls()).toEqual([`GET user:${ids.carol} 200`, `PUT user:${ids.carol} 200`]);
    expect(
      env.sim.calls
        .filter((c) => c.path.includes('/roleAssignmentApprovals/'))
        .map((c) => c.path.split('?')[0]),
    ).toEqual([
      `/providers/Microsoft.Authorization/roleAssignmentApprovals/${guid}`,
      expect.stringMatching(
        new RegExp(`^/providers/Microsoft.Authorization/roleAssignmentApprovals/${guid}/stages/`),
      ),
    ]);
    expect(active()).toEqual([`${ids.alice} Activated`]);
  });
});

describe('self-deactivation of an Azure role', () => {
  it('is refused within 5 minutes with the time it may end, then PUTs SelfDeactivate; gone is ended', async () => {
    await adapter().selfActivate(await armToken('alice@contoso.com'), grant());
    clock.advance(MINUTE);
    const end = async () =>
      adapter().selfDeactivate(
        await armToken('alice@contoso.com'),
        ids.alice,
        t.contributorPayments,
        'R0000001',
      );
    const tooSoon = await end();
    expect(tooSoon).toMatchObject({ ok: false, error: { code: 'delegated.too_soon_to_end' } });
    expect(!tooSoon.ok && tooSoon.error.message).toContain('after 09:05 UTC');
    expect(!tooSoon.ok && tooSoon.error.retryAt).toBeUndefined();
    expect(active()).toEqual([`${ids.alice} Activated`]);

    clock.advance(5 * MINUTE);
    expect(await end()).toEqual({ ok: true, value: undefined });
    expect(active()).toEqual([]);
    expect(puts().at(-1)).toMatchObject({
      caller: `user:${ids.alice}`,
      status: 201,
      body: {
        properties: {
          principalId: ids.alice,
          roleDefinitionId: t.contributorPayments.id,
          requestType: 'SelfDeactivate',
          justification: 'ended by elevate R0000001',
        },
      },
    });
    expect(await end()).toEqual({ ok: true, value: undefined });
  });

  it("refuses someone else's token, leaving the activation", async () => {
    await adapter().selfActivate(await armToken('alice@contoso.com'), grant());
    clock.advance(10 * MINUTE);
    const carol = await armToken('carol@contoso.com');
    expect(
      await adapter().selfDeactivate(carol, ids.alice, t.contributorPayments, 'R0000001'),
    ).toMatchObject({ ok: false, error: { code: 'delegated.refused' } });
    expect(active()).toEqual([`${ids.alice} Activated`]);
  });
});
