/**
 * What every PrivilegeProvider must do, run by the in-memory PIM and by the Graph adapter
 * over the simulated tenant, both seeded with CONTRACT_WORLD: roles, current eligibility
 * (direct, through nested groups, time-bound), PIM's rules, grants that show as assignments,
 * idempotent re-activation, refusals, early removal of only this request's grant, extension,
 * and ending an eligibility (eligibility reviews), never one held through a group.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorldSpec } from '../../adapters/entra-sim/world.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import type { GrantRequest, PrivilegeProvider } from '../../bot/core/ports/privilege-provider.ts';
import { CONTRACT_WORLD, fakeDate, HOUR, ids, START, targets } from './entra-world.ts';

export interface PrivilegesUnderTest {
  readonly privileges: PrivilegeProvider;
  teardown(): Promise<void>;
}

const grant = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  principalId: ids.alice,
  target: targets.exchange,
  startAt: Date.now(),
  durationSeconds: 2 * 3600,
  justification: 'fixing mail flow | requested by alice@contoso.com via elevate R0000001',
  ticket: 'INC-4711',
  requestId: 'R0000001',
  ...over,
});

const forRequest = (requestId: string) => ({
  requestId,
  justification: `fixing mail flow | via elevate ${requestId}`,
});

/** The justification an eligibility review writes into PIM's record. */
export const REVIEWED = 'eligibility review RV000001: removed by bob@contoso.com';

const byRole = (a: { target: Target }, b: { target: Target }) =>
  a.target.id.localeCompare(b.target.id);

export function privilegeProviderContract(
  name: string,
  setup: (world: WorldSpec) => Promise<PrivilegesUnderTest>,
): void {
  describe(`PrivilegeProvider contract: ${name}`, () => {
    let sut: PrivilegesUnderTest;
    let p: PrivilegeProvider;
    let clock: ReturnType<typeof fakeDate>;
    beforeEach(async () => {
      clock = fakeDate();
      sut = await setup(CONTRACT_WORLD);
      p = sut.privileges;
    });
    afterEach(async () => {
      await sut.teardown();
      clock.restore();
    });

    it('lists every role of the tenant', async () => {
      const roles = [...(await p.listRoles())].sort((a, b) => a.id.localeCompare(b.id));
      expect(roles.map(({ kind, id, name }) => ({ kind, id, name }))).toEqual(
        Object.values(targets)
          .map(({ kind, id, name }) => ({ kind, id, name }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      );
    });

    it('lists current eligibility: direct, through nested groups, until it ends', async () => {
      expect([...(await p.eligibilities(ids.alice))].sort(byRole)).toEqual(
        [
          { target: targets.exchange, endsAt: null },
          { target: targets.helpdesk, endsAt: null },
          { target: targets.security, endsAt: START + HOUR },
        ].sort(byRole),
      );
      expect(await p.eligibilities(ids.carol)).toEqual([]);
      clock.advance(2 * HOUR);
      expect((await p.eligibilities(ids.alice)).map((e) => e.target.id)).not.toContain(
        targets.security.id,
      );
    });

    it('lists who is eligible for a role (whocan), until the eligibility ends', async () => {
      const holders = async (t: Target) =>
        [...((await p.eligibleFor?.(t)) ?? [])].sort((a, b) =>
          a.principalId.localeCompare(b.principalId),
        );
      expect(await holders(targets.exchange)).toEqual(
        [ids.alice, ids.bob]
          .sort()
          .map((principalId) => ({ principalId, type: 'user', scope: '/', endsAt: null })),
      );
      expect(await holders(targets.security)).toEqual([
        { principalId: ids.alice, type: 'user', scope: '/', endsAt: START + HOUR },
      ]);
      expect(await holders(targets.global)).toEqual([]);
      clock.advance(2 * HOUR);
      expect(await holders(targets.security)).toEqual([]);
    });

    it("gives PIM's rules for a role, and PIM's defaults where none are set", async () => {
      expect(await p.rules(targets.exchange)).toEqual({
        maxDuration: 4 * 3600,
        justificationRequired: true,
        ticketRequired: true,
        approvalRequired: false,
        mfaRequired: false,
      });
      expect(await p.rules(targets.helpdesk)).toEqual({
        maxDuration: 8 * 3600,
        justificationRequired: false,
        ticketRequired: false,
        approvalRequired: false,
        mfaRequired: false,
      });
    });

    it('activates: the grant is an assignment until its end', async () => {
      expect(await p.activate(grant())).toEqual({ ok: true, value: { endsAt: START + 2 * HOUR } });
      expect(await p.activeAssignments(ids.alice)).toEqual([
        {
          principalId: ids.alice,
          target: targets.exchange,
          startAt: START,
          endsAt: START + 2 * HOUR,
          viaSchedule: true,
        },
      ]);
      clock.advance(2 * HOUR + 1000);
      expect(await p.activeAssignments(ids.alice)).toEqual([]);
    });

    it('activates through a group eligibility, for the person, not the group', async () => {
      expect(await p.activate(grant({ target: targets.helpdesk }))).toMatchObject({ ok: true });
      expect((await p.activeAssignments(ids.alice)).map((a) => a.target)).toEqual([
        targets.helpdesk,
      ]);
      expect(await p.activeAssignments(ids.onCall)).toEqual([]);
    });

    it('a second activation for the same request is success, with no second grant', async () => {
      await p.activate(grant());
      clock.advance(60_000);
      expect(await p.activate(grant())).toEqual({ ok: true, value: { endsAt: START + 2 * HOUR } });
      expect(await p.activeAssignments(ids.alice)).toHaveLength(1);
    });

    it('refuses a role held already for another reason, and one that is not eligible', async () => {
      await p.activate(grant());
      expect(await p.activate(grant(forRequest('R0000002')))).toMatchObject({
        ok: false,
        error: { code: 'graph.already_active' },
      });
      const refused = await p.activate(grant({ target: targets.global }));
      expect(refused).toMatchObject({ ok: false, error: { code: 'policy.not_eligible' } });
      expect(await p.activate(grant({ principalId: ids.dave }))).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
      clock.advance(2 * HOUR);
      // Eligibility that ended since the request was made grants nothing.
      expect(await p.activate(grant({ target: targets.security }))).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
      expect((await p.activeAssignments(ids.alice)).map((a) => a.target.id)).toEqual([]);
    });

    it('deactivates early; a grant already gone is success', async () => {
      await p.activate(grant());
      expect(await p.deactivate(ids.alice, targets.exchange, 'R0000001')).toEqual({
        ok: true,
        value: undefined,
      });
      expect(await p.activeAssignments(ids.alice)).toEqual([]);
      expect(await p.deactivate(ids.alice, targets.exchange, 'R0000001')).toEqual({
        ok: true,
        value: undefined,
      });
    });

    it("removes only this request's grant, never a standing assignment", async () => {
      await p.activate(grant({ ...forRequest('R0000002'), durationSeconds: 3600 }));
      clock.advance(HOUR + 60_000);
      await p.activate(grant(forRequest('R0000003')));
      // R0000002's grant has ended; the live one is R0000003's.
      expect(await p.deactivate(ids.alice, targets.exchange, 'R0000002')).toMatchObject({
        ok: true,
      });
      expect(await p.activeAssignments(ids.alice)).toHaveLength(1);
      expect(await p.deactivate(ids.dave, targets.global, 'R0000009')).toMatchObject({ ok: true });
      expect(await p.activeAssignments(ids.dave)).toEqual([
        {
          principalId: ids.dave,
          target: targets.global,
          startAt: 0,
          endsAt: null,
          viaSchedule: false,
        },
      ]);
    });

    it('ends an eligibility: no longer listed, nothing granted from it; ending it again is success', async () => {
      const done = { ok: true, value: undefined };
      expect(await p.endEligibility?.(ids.alice, targets.exchange, REVIEWED)).toEqual(done);
      expect((await p.eligibilities(ids.alice)).map((e) => e.target.id).sort()).toEqual(
        [targets.helpdesk.id, targets.security.id].sort(),
      );
      expect((await p.eligibleFor?.(targets.exchange))?.map((e) => e.principalId)).toEqual([
        ids.bob,
      ]);
      expect(await p.activate(grant())).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
      expect(await p.endEligibility?.(ids.alice, targets.exchange, REVIEWED)).toEqual(done);
    });

    it("refuses to end what a group holds for the person, naming it; the group's removal ends it", async () => {
      const refused = await p.endEligibility?.(ids.alice, targets.helpdesk, REVIEWED);
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'eligibility.held_through_group' },
      });
      expect(refused?.ok === false && refused.error.message).toContain('`Ops on call`');
      expect(await p.endEligibility?.(ids.onCall, targets.helpdesk, REVIEWED)).toEqual({
        ok: true,
        value: undefined,
      });
      expect((await p.eligibilities(ids.alice)).map((e) => e.target.id)).not.toContain(
        targets.helpdesk.id,
      );
      expect(await p.activate(grant({ target: targets.helpdesk }))).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
    });

    it('extends an active grant to the new end; one no longer there cannot be', async () => {
      await p.activate(grant());
      expect(await p.extend(grant(), START + 3 * HOUR)).toEqual({
        ok: true,
        value: { endsAt: START + 3 * HOUR },
      });
      expect((await p.activeAssignments(ids.alice))[0]?.endsAt).toBe(START + 3 * HOUR);
      await p.deactivate(ids.alice, targets.exchange, 'R0000001');
      expect(await p.extend(grant(), START + 4 * HOUR)).toMatchObject({
        ok: false,
        error: { code: 'grant.not_active' },
      });
    });
  });
}
