/**
 * What every PrivilegeProvider serving PIM for Groups must do, run by the in-memory PIM and by
 * the Graph adapter over the simulated tenant, both seeded with GROUP_WORLD: eligibility for
 * membership and ownership (next to directory roles), PIM's rules per access, grants that show
 * as assignments with their access, idempotent re-activation, refusals, early removal of only
 * this request's grant, extension, standing members added outside PIM, and ending an
 * eligibility (eligibility reviews), never one held through a group.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorldSpec } from '../../adapters/entra-sim/world.ts';
import { type Target, targetKey } from '../../bot/core/domain/target.ts';
import type { GrantRequest } from '../../bot/core/ports/privilege-provider.ts';
import { CONTRACT_WORLD, fakeDate, HOUR, ids, START, targets } from './entra-world.ts';
import { type PrivilegesUnderTest, REVIEWED } from './privilege-provider.contract.ts';

const PAYMENTS = '3f0c2a10-0000-4000-8000-0000000000a1';
const RELEASE = '3f0c2a10-0000-4000-8000-0000000000a2';
/** A plain group (Erin) that holds eligibility for Release Managers' membership. */
const RELEASE_ENGINEERS = '3f0c2a10-0000-4000-8000-0000000000a3';

const group = (id: string, name: string, access: 'member' | 'owner'): Target => ({
  kind: 'group',
  id,
  name,
  scope: '/',
  access,
});

export const groups = {
  paymentsMember: group(PAYMENTS, 'Payments Oncall', 'member'),
  paymentsOwner: group(PAYMENTS, 'Payments Oncall', 'owner'),
  releaseMember: group(RELEASE, 'Release Managers', 'member'),
} as const;

/**
 * CONTRACT_WORLD and two PIM groups. Alice: membership of Payments Oncall, ownership until an
 * hour after START. Carol: membership of Release Managers (PIM's defaults). Dave: a standing
 * member of Payments Oncall added outside PIM, and eligible for its membership too. Erin:
 * membership of Release Managers through the Release Engineers group.
 */
export const GROUP_WORLD: WorldSpec = {
  ...CONTRACT_WORLD,
  groups: [
    ...(CONTRACT_WORLD.groups ?? []),
    { id: RELEASE_ENGINEERS, name: 'Release Engineers', members: [ids.erin] },
  ],
  pimGroups: [
    {
      id: PAYMENTS,
      name: 'Payments Oncall',
      eligible: [
        { principalId: ids.alice },
        { principalId: ids.alice, access: 'owner', endsAt: START + HOUR },
        { principalId: ids.dave, access: 'member' },
      ],
      pim: {
        member: { maximumDuration: 'PT4H', justification: true, ticketing: true },
        owner: { maximumDuration: 'PT1H', approval: true, mfa: true },
      },
      standingMembers: [ids.dave],
    },
    {
      id: RELEASE,
      name: 'Release Managers',
      eligible: [{ principalId: ids.carol }, { principalId: RELEASE_ENGINEERS }],
    },
  ],
};

const grant = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  principalId: ids.alice,
  target: groups.paymentsMember,
  startAt: Date.now(),
  durationSeconds: 2 * 3600,
  justification: 'payments outage | requested by alice@contoso.com via elevate R0000001',
  ticket: 'INC-4711',
  requestId: 'R0000001',
  ...over,
});

const forRequest = (requestId: string) => ({
  requestId,
  justification: `payments outage | via elevate ${requestId}`,
});

const byKey = (a: { target: Target }, b: { target: Target }) =>
  targetKey(a.target).localeCompare(targetKey(b.target));
const onlyGroups = <T extends { target: Target }>(all: readonly T[]): T[] =>
  all.filter((x) => x.target.kind === 'group').sort(byKey);

export function groupPrivilegesContract(
  name: string,
  setup: (world: WorldSpec) => Promise<PrivilegesUnderTest>,
): void {
  describe(`PrivilegeProvider contract, PIM for Groups: ${name}`, () => {
    let sut: PrivilegesUnderTest;
    let clock: ReturnType<typeof fakeDate>;
    const p = () => sut.privileges;
    beforeEach(async () => {
      clock = fakeDate();
      sut = await setup(GROUP_WORLD);
    });
    afterEach(async () => {
      await sut.teardown();
      clock.restore();
    });

    it('lists membership and ownership next to directory roles, until they end', async () => {
      const held = await p().eligibilities(ids.alice);
      expect(held).toContainEqual({ target: targets.exchange, endsAt: null });
      expect(onlyGroups(held)).toEqual(
        [
          { target: groups.paymentsMember, endsAt: null },
          { target: groups.paymentsOwner, endsAt: START + HOUR },
        ].sort(byKey),
      );
      expect(await p().eligibilities(ids.carol)).toEqual([
        { target: groups.releaseMember, endsAt: null },
      ]);
      clock.advance(2 * HOUR);
      expect(onlyGroups(await p().eligibilities(ids.alice))).toEqual([
        { target: groups.paymentsMember, endsAt: null },
      ]);
    });

    it("gives PIM's rules for membership and ownership apart, and PIM's defaults", async () => {
      expect(await p().rules(groups.paymentsMember)).toEqual({
        maxDuration: 4 * 3600,
        justificationRequired: true,
        ticketRequired: true,
        approvalRequired: false,
        mfaRequired: false,
      });
      expect(await p().rules(groups.paymentsOwner)).toEqual({
        maxDuration: 3600,
        justificationRequired: false,
        ticketRequired: false,
        approvalRequired: true,
        mfaRequired: true,
      });
      expect(await p().rules(groups.releaseMember)).toEqual({
        maxDuration: 8 * 3600,
        justificationRequired: false,
        ticketRequired: false,
        approvalRequired: false,
        mfaRequired: false,
      });
    });

    it('activates membership: an assignment with its access until its end', async () => {
      expect(await p().activate(grant())).toEqual({
        ok: true,
        value: { endsAt: START + 2 * HOUR },
      });
      expect(
        await p().activate(grant({ target: groups.paymentsOwner, durationSeconds: 1800 })),
      ).toEqual({ ok: true, value: { endsAt: START + HOUR / 2 } });
      expect([...(await p().activeAssignments(ids.alice))].sort(byKey)).toEqual(
        [
          {
            principalId: ids.alice,
            target: groups.paymentsMember,
            startAt: START,
            endsAt: START + 2 * HOUR,
            viaSchedule: true,
          },
          {
            principalId: ids.alice,
            target: groups.paymentsOwner,
            startAt: START,
            endsAt: START + HOUR / 2,
            viaSchedule: true,
          },
        ].sort(byKey),
      );
      clock.advance(2 * HOUR + 1000);
      expect(await p().activeAssignments(ids.alice)).toEqual([]);
    });

    it('a second activation for the same request is success, with no second grant', async () => {
      await p().activate(grant());
      clock.advance(60_000);
      expect(await p().activate(grant({ startAt: Date.now() }))).toEqual({
        ok: true,
        value: { endsAt: START + 2 * HOUR },
      });
      expect(await p().activeAssignments(ids.alice)).toHaveLength(1);
    });

    it('refuses membership held already for another reason, and what is not eligible', async () => {
      await p().activate(grant());
      expect(await p().activate(grant(forRequest('R0000002')))).toMatchObject({
        ok: false,
        error: { code: 'graph.already_active' },
      });
      // Dave is a standing member, added outside PIM.
      expect(await p().activate(grant({ principalId: ids.dave }))).toMatchObject({
        ok: false,
        error: { code: 'graph.already_active' },
      });
      for (const refused of [
        grant({ target: groups.releaseMember }),
        grant({ principalId: ids.carol }),
        grant({ principalId: ids.dave, target: groups.paymentsOwner }),
      ])
        expect(await p().activate(refused)).toMatchObject({
          ok: false,
          error: { code: 'policy.not_eligible' },
        });
      clock.advance(2 * HOUR);
      // Ownership that ended since the request was made grants nothing.
      expect(await p().activate(grant({ target: groups.paymentsOwner }))).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
      expect(await p().activeAssignments(ids.carol)).toEqual([]);
    });

    it('deactivates early, the one access only; a grant already gone is success', async () => {
      await p().activate(grant());
      await p().activate(grant({ target: groups.paymentsOwner, durationSeconds: 1800 }));
      const done = { ok: true, value: undefined };
      expect(await p().deactivate(ids.alice, groups.paymentsMember, 'R0000001')).toEqual(done);
      expect((await p().activeAssignments(ids.alice)).map((a) => a.target)).toEqual([
        groups.paymentsOwner,
      ]);
      expect(await p().deactivate(ids.alice, groups.paymentsMember, 'R0000001')).toEqual(done);
    });

    it("removes only this request's grant, never a standing member", async () => {
      await p().activate(grant({ ...forRequest('R0000002'), durationSeconds: 3600 }));
      clock.advance(HOUR + 60_000);
      await p().activate(grant(forRequest('R0000003')));
      // R0000002's grant has ended; the live one is R0000003's.
      expect(await p().deactivate(ids.alice, groups.paymentsMember, 'R0000002')).toMatchObject({
        ok: true,
      });
      expect(await p().activeAssignments(ids.alice)).toHaveLength(1);
      expect(await p().deactivate(ids.dave, groups.paymentsMember, 'R0000009')).toMatchObject({
        ok: true,
      });
      expect([...(await p().activeAssignments(ids.dave))].sort(byKey)).toEqual(
        [
          {
            principalId: ids.dave,
            target: targets.global,
            startAt: 0,
            endsAt: null,
            viaSchedule: false,
          },
          {
            principalId: ids.dave,
            target: groups.paymentsMember,
            startAt: 0,
            endsAt: null,
            viaSchedule: false,
          },
        ].sort(byKey),
      );
    });

    it('ends one eligibility, the one access only; nothing granted from it; again is success', async () => {
      const done = { ok: true, value: undefined };
      expect(await p().endEligibility?.(ids.alice, groups.paymentsMember, REVIEWED)).toEqual(done);
      expect(onlyGroups(await p().eligibilities(ids.alice))).toEqual([
        { target: groups.paymentsOwner, endsAt: START + HOUR },
      ]);
      expect(await p().activate(grant())).toMatchObject({
        ok: false,
        error: { code: 'policy.not_eligible' },
      });
      expect(await p().endEligibility?.(ids.alice, groups.paymentsMember, REVIEWED)).toEqual(done);
    });

    it("refuses to end what a group holds for the person, naming it; the group's removal ends it", async () => {
      const refused = await p().endEligibility?.(ids.erin, groups.releaseMember, REVIEWED);
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'eligibility.held_through_group' },
      });
      expect(refused?.ok === false && refused.error.message).toContain('`Release Engineers`');
      const done = { ok: true, value: undefined };
      expect(await p().endEligibility?.(RELEASE_ENGINEERS, groups.releaseMember, REVIEWED)).toEqual(
        done,
      );
      expect(await p().endEligibility?.(ids.erin, groups.releaseMember, REVIEWED)).toEqual(done);
      // Carol's own eligibility for the same membership stays.
      expect(await p().eligibilities(ids.carol)).toEqual([
        { target: groups.releaseMember, endsAt: null },
      ]);
    });

    it('extends an active grant to the new end; one no longer there cannot be', async () => {
      await p().activate(grant());
      expect(await p().extend(grant(), START + 3 * HOUR)).toEqual({
        ok: true,
        value: { endsAt: START + 3 * HOUR },
      });
      expect((await p().activeAssignments(ids.alice))[0]?.endsAt).toBe(START + 3 * HOUR);
      await p().deactivate(ids.alice, groups.paymentsMember, 'R0000001');
      expect(await p().extend(grant(), START + 4 * HOUR)).toMatchObject({
        ok: false,
        error: { code: 'grant.not_active' },
      });
    });
  });
}
