/**
 * What every PrivilegeProvider serving Azure resource roles must do, run by the in-memory PIM
 * and by the ARM adapter over the simulated tenant, both seeded with AZURE_WORLD: eligibility
 * with its scopes (direct, through a group, time-bound), PIM's rules per role, grants at the
 * eligible scope or a narrower one that show as assignments, idempotent re-activation,
 * refusals (another request's grant, outside the eligible scope, not eligible), removal only
 * of this request's grant and not within 5 minutes of the activation, extension, and ending
 * an eligibility at its scope (eligibility reviews), never one held through a group.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorldSpec } from '../../adapters/entra-sim/world.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import type { GrantRequest, PrivilegeProvider } from '../../bot/core/ports/privilege-provider.ts';
import { AZURE_WORLD, azureTargets as t } from './azure-world.ts';
import { fakeDate, HOUR, ids, START } from './entra-world.ts';
import { type PrivilegesUnderTest, REVIEWED } from './privilege-provider.contract.ts';

const MINUTE = 60_000;

const grant = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  principalId: ids.alice,
  target: t.contributorPayments,
  startAt: Date.now(),
  durationSeconds: 2 * 3600,
  justification: 'deploying the hotfix | requested by alice@contoso.com via elevate R0000001',
  ticket: 'INC-4711',
  requestId: 'R0000001',
  ...over,
});

const forRequest = (requestId: string) => ({
  requestId,
  justification: `deploying the hotfix | via elevate ${requestId}`,
});

const key = (x: { target: Target }) => `${x.target.id}@${x.target.scope}`;
const sorted = <T extends { target: Target }>(xs: readonly T[]): T[] =>
  [...xs].sort((a, b) => key(a).localeCompare(key(b)));

export function azurePrivilegesContract(
  name: string,
  setup: (world: WorldSpec) => Promise<PrivilegesUnderTest>,
): void {
  describe(`PrivilegeProvider contract, Azure roles: ${name}`, () => {
    let sut: PrivilegesUnderTest;
    let p: PrivilegeProvider;
    let clock: ReturnType<typeof fakeDate>;
    beforeEach(async () => {
      clock = fakeDate();
      sut = await setup(AZURE_WORLD);
      p = sut.privileges;
    });
    afterEach(async () => {
      await sut.teardown();
      clock.restore();
    });

    it('lists eligibility with its scope and scope name: direct, through a group, until it ends', async () => {
      expect(sorted(await p.eligibilities(ids.alice))).toEqual(
        sorted([
          { target: t.readerSub, endsAt: null },
          { target: t.contributorPayments, endsAt: null },
          { target: t.readerWeb, endsAt: null },
        ]),
      );
      expect(await p.eligibilities(ids.carol)).toEqual([
        { target: t.readerWeb, endsAt: START + HOUR },
      ]);
      expect(await p.eligibilities(ids.dave)).toEqual([]);
      clock.advance(2 * HOUR);
      expect(await p.eligibilities(ids.carol)).toEqual([]);
    });

    it("gives PIM's rules for a role at a scope, and PIM's defaults where none are set", async () => {
      expect(await p.rules(t.contributorPayments)).toEqual({
        maxDuration: 4 * 3600,
        justificationRequired: true,
        ticketRequired: true,
        approvalRequired: false,
        mfaRequired: false,
      });
      expect(await p.rules(t.readerSub)).toEqual({
        maxDuration: 8 * 3600,
        justificationRequired: false,
        ticketRequired: false,
        approvalRequired: false,
        mfaRequired: false,
      });
    });

    it('activates: the grant is an assignment at its scope until its end', async () => {
      expect(await p.activate(grant())).toEqual({ ok: true, value: { endsAt: START + 2 * HOUR } });
      expect(await p.activeAssignments(ids.alice)).toEqual([
        {
          principalId: ids.alice,
          target: t.contributorPayments,
          startAt: START,
          endsAt: START + 2 * HOUR,
          viaSchedule: true,
        },
      ]);
      clock.advance(2 * HOUR + 1000);
      expect(await p.activeAssignments(ids.alice)).toEqual([]);
    });

    it('activates at a scope narrower than the eligible one, and through a group', async () => {
      expect(await p.activate(grant({ target: t.readerPayments }))).toMatchObject({ ok: true });
      expect(await p.activate(grant({ target: t.readerWeb }))).toMatchObject({ ok: true });
      expect(sorted(await p.activeAssignments(ids.alice)).map((a) => a.target)).toEqual(
        sorted([{ target: t.readerPayments }, { target: t.readerWeb }]).map((a) => a.target),
      );
    });

    it('a second activation for the same request is success, with no second grant', async () => {
      await p.activate(grant());
      clock.advance(MINUTE);
      expect(await p.activate(grant())).toEqual({ ok: true, value: { endsAt: START + 2 * HOUR } });
      expect(await p.activeAssignments(ids.alice)).toHaveLength(1);
    });

    it("refuses another request's live grant, a scope outside the eligible one, and no eligibility", async () => {
      await p.activate(grant());
      expect(await p.activate(grant(forRequest('R0000002')))).toMatchObject({
        ok: false,
        error: { code: 'graph.already_active' },
      });
      for (const refused of [grant({ target: t.contributorWeb }), grant({ principalId: ids.dave })])
        expect(await p.activate(refused)).toMatchObject({
          ok: false,
          error: { code: 'policy.not_eligible' },
        });
      clock.advance(2 * HOUR);
      // Eligibility that ended since the request was made grants nothing.
      expect(
        await p.activate(grant({ principalId: ids.carol, target: t.readerWeb })),
      ).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
      expect(await p.activeAssignments(ids.carol)).toEqual([]);
    });

    it('refuses removal within 5 minutes of the activation, saying when it becomes possible', async () => {
      await p.activate(grant());
      clock.advance(2 * MINUTE);
      const early = await p.deactivate(ids.alice, t.contributorPayments, 'R0000001');
      expect(early).toMatchObject({
        ok: false,
        error: { code: 'arm.too_soon_to_remove', retryAt: START + 5 * MINUTE },
      });
      expect(await p.activeAssignments(ids.alice)).toHaveLength(1);
      clock.advance(3 * MINUTE);
      expect(await p.deactivate(ids.alice, t.contributorPayments, 'R0000001')).toEqual({
        ok: true,
        value: undefined,
      });
      expect(await p.activeAssignments(ids.alice)).toEqual([]);
      expect(await p.deactivate(ids.alice, t.contributorPayments, 'R0000001')).toEqual({
        ok: true,
        value: undefined,
      });
    });

    it("removes only this request's grant", async () => {
      await p.activate(grant({ ...forRequest('R0000002'), durationSeconds: 3600 }));
      clock.advance(HOUR + MINUTE);
      await p.activate(grant(forRequest('R0000003')));
      clock.advance(10 * MINUTE);
      // R0000002's grant has ended; the live one is R0000003's.
      expect(await p.deactivate(ids.alice, t.contributorPayments, 'R0000002')).toMatchObject({
        ok: true,
      });
      expect(await p.activeAssignments(ids.alice)).toHaveLength(1);
      expect(await p.deactivate(ids.alice, t.contributorPayments, 'R0000003')).toMatchObject({
        ok: true,
      });
      expect(await p.activeAssignments(ids.alice)).toEqual([]);
    });

    it('ends an eligibility at its scope only; nothing granted from it; again is success', async () => {
      const done = { ok: true, value: undefined };
      expect(await p.endEligibility?.(ids.alice, t.contributorPayments, REVIEWED)).toEqual(done);
      expect(sorted(await p.eligibilities(ids.alice))).toEqual(
        sorted([
          { target: t.readerSub, endsAt: null },
          { target: t.readerWeb, endsAt: null },
        ]),
      );
      expect(await p.activate(grant())).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
      expect(await p.endEligibility?.(ids.alice, t.contributorPayments, REVIEWED)).toEqual(done);
    });

    it("refuses to end what a group holds for the person, naming it; the group's removal ends it", async () => {
      const refused = await p.endEligibility?.(ids.alice, t.readerWeb, REVIEWED);
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'eligibility.held_through_group' },
      });
      expect(refused?.ok === false && refused.error.message).toContain('`Ops on call`');
      expect(await p.endEligibility?.(ids.onCall, t.readerWeb, REVIEWED)).toEqual({
        ok: true,
        value: undefined,
      });
      expect(sorted(await p.eligibilities(ids.alice)).map((e) => e.target)).toEqual(
        sorted([{ target: t.readerSub }, { target: t.contributorPayments }]).map((e) => e.target),
      );
      // Carol's own Reader on rg-web stays.
      expect(await p.eligibilities(ids.carol)).toEqual([
        { target: t.readerWeb, endsAt: START + HOUR },
      ]);
    });

    it('extends an active grant to the new end; one no longer there cannot be', async () => {
      await p.activate(grant());
      expect(await p.extend(grant(), START + 3 * HOUR)).toEqual({
        ok: true,
        value: { endsAt: START + 3 * HOUR },
      });
      expect((await p.activeAssignments(ids.alice))[0]?.endsAt).toBe(START + 3 * HOUR);
      clock.advance(10 * MINUTE);
      await p.deactivate(ids.alice, t.contributorPayments, 'R0000001');
      expect(await p.extend(grant(), START + 4 * HOUR)).toMatchObject({
        ok: false,
        error: { code: 'grant.not_active' },
      });
    });
  });
}
