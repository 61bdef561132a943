/**
 * The security scan on in-memory ports: each check fires when it should, stays quiet just
 * below its threshold, and says what, who, since when and what to do.
 */
import { describe, expect, it } from 'vitest';
import { MemoryTenantOverview } from '../../../adapters/memory/tenant-overview.ts';
import type { SecurityAlert } from '../../../bot/core/domain/alert.ts';
import type { AlertsPolicy, Policy } from '../../../bot/core/domain/policy.ts';
import type { AccessRequest } from '../../../bot/core/domain/request.ts';
import { GLOBAL_ADMINISTRATOR, scanForAlerts } from '../../../bot/core/usecases/alerts/scan.ts';
import { makeEvent, makeRequest } from '../../support/fixtures.ts';
import { people, roles, target, testPolicy, testTenant } from '../../support/tenant.ts';

const H = 3_600_000;
const DAY = 24 * H;

function setup(alerts: Partial<AlertsPolicy> = {}) {
  const policy: Policy = { ...testPolicy, alerts: { ...testPolicy.alerts, ...alerts } };
  const t = testTenant(null, policy);
  const overview = new MemoryTenantOverview();
  const now = t.clock.now();
  const add = async (r: Partial<AccessRequest>) => {
    const request = makeRequest(r);
    await t.deps.store.create(request, makeEvent(request));
    return request;
  };
  const activation = (at: number, extra: Partial<AccessRequest> = {}) =>
    add({ state: 'ended', createdAt: at - 60_000, activatedAt: at, updatedAt: at, ...extra });
  const scan = () => scanForAlerts(t.deps, overview);
  const only = async (kind: SecurityAlert['kind']) => (await scan()).filter((a) => a.kind === kind);
  return { t, overview, now, add, activation, scan, only };
}

const ga = target(roles.global);
const exchange = target(roles.exchange);
const holding = (principalId: string, t = ga, viaSchedule = true, startAt = 0) => ({
  principalId,
  target: t,
  startAt,
  endsAt: viaSchedule ? startAt + H : null,
  viaSchedule,
});

describe('alerts scan', () => {
  it('flags a role activated `count` times in the window, per person and role, not count-1', async () => {
    const s = setup({ tooFrequent: { count: 3, window: 86_400 } });
    await s.activation(s.now - 2 * H);
    await s.activation(s.now - 5 * H);
    expect(await s.only('too_frequent')).toEqual([]);
    await s.activation(s.now - 30 * H); // outside the 24h window
    await s.activation(s.now - 3 * H, { targets: [target(roles.helpdesk)] }); // another role
    expect(await s.only('too_frequent')).toEqual([]);
    const third = await s.activation(s.now - 10 * H);
    const [alert] = await s.only('too_frequent');
    expect(alert).toMatchObject({
      key: `too_frequent:${people.alice.id}:${roles.exchange.id}`,
      title: 'Alice Admin (alice@contoso.com) activated Exchange Administrator 3 times in 24h',
      since: third.activatedAt,
    });
    expect(alert?.action).toMatch(/why the role is needed/);
  });

  it('flags a holder with no sign-in for N days and no activation, never one who signed in or asked', async () => {
    const s = setup({ staleAccounts: { days: 90 } });
    s.overview.eligibleHolders = [
      { principalId: people.dave.id, target: exchange },
      { principalId: people.bob.id, target: exchange },
      { principalId: people.carol.id, target: exchange },
      { principalId: 'group-1', target: exchange },
    ];
    s.overview.signIns.set(people.dave.id, s.now - 120 * DAY);
    s.overview.signIns.set(people.bob.id, s.now - 89 * DAY);
    s.overview.signIns.set(people.carol.id, null);
    const stale = await s.only('stale_account');
    expect(stale.map((a) => a.key).sort()).toEqual(
      [`stale_account:${people.carol.id}`, `stale_account:${people.dave.id}`].sort(),
    );
    const dave = stale.find((a) => a.key.endsWith(people.dave.id));
    expect(dave?.details[0]).toMatch(/No sign-in for 120 days/);
    expect(dave?.since).toBe(s.now - 120 * DAY);
    expect(stale.find((a) => a.key.endsWith(people.carol.id))?.details[0]).toBe('Never signed in.');
    // An activation through elevate in the window means the account is in use.
    await s.add({ requester: people.dave, createdAt: s.now - 10 * DAY, state: 'ended' });
    expect((await s.only('stale_account')).map((a) => a.key)).toEqual([
      `stale_account:${people.carol.id}`,
    ]);
  });

  it('flags too many Global Administrators by count and by percent', async () => {
    const s = setup({ tooManyGlobalAdmins: { max: 2, percent: 50 } });
    s.overview.eligibleHolders = [
      people.alice,
      people.bob,
      people.carol,
      people.dave,
      people.erin,
    ].map((p) => ({ principalId: p.id, target: exchange }));
    s.overview.activeHolders = [holding(people.alice.id), holding(people.bob.id)];
    expect(await s.only('too_many_global_admins')).toEqual([]); // 2 of 5 = 40%
    s.overview.activeHolders.push(holding(people.carol.id));
    const [byCount] = await s.only('too_many_global_admins');
    expect(byCount?.title).toBe('3 people hold Global Administrator now');
    expect(byCount?.details[0]).toMatch(/60% of the 5 people/);

    const p = setup({ tooManyGlobalAdmins: { max: 10, percent: 30 } });
    p.overview.eligibleHolders = [people.alice, people.bob, people.carol].map((x) => ({
      principalId: x.id,
      target: exchange,
    }));
    p.overview.activeHolders = [holding(people.alice.id, ga)];
    expect(await p.only('too_many_global_admins')).toHaveLength(1); // 1 of 3 = 33.3%
    expect(GLOBAL_ADMINISTRATOR).toBe(roles.global.id);
  });

  it('flags standing assignments (outside PIM) and PIM activations no elevate request made', async () => {
    const s = setup();
    s.overview.activeHolders = [
      holding(people.dave.id, exchange, false),
      holding(people.bob.id, exchange, true, s.now - H / 2),
      holding(people.alice.id, exchange, true, s.now - H / 4),
    ];
    await s.add({ state: 'active', activatedAt: s.now - H / 4, endsAt: s.now + H });
    const outsidePim = await s.only('outside_pim');
    expect(outsidePim).toHaveLength(1);
    expect(outsidePim[0]?.title).toBe(
      'Dave Outsider (dave@contoso.com) holds Exchange Administrator outside PIM',
    );
    const outsideBot = await s.only('activated_outside_bot');
    expect(outsideBot.map((a) => a.key)).toEqual([
      `outside_bot:${people.bob.id}:${roles.exchange.id}:${s.now - H / 2}`,
    ]);
  });

  it('flags activations outside business hours in the configured zone, at the edges too', async () => {
    // Monday 23 Nov 2026: 07:00 in Amsterdam is 06:00 UTC.
    const s = setup({
      scanEvery: (7 * DAY) / 1000,
      outsideHours: {
        timezone: 'Europe/Amsterdam',
        from: '07:00',
        to: '19:00',
        days: [1, 2, 3, 4, 5],
      },
    });
    const monday = Date.UTC(2026, 10, 23);
    s.t.clock.set(monday + 2 * DAY);
    const early = await s.activation(monday + 6 * H - 60_000); // 06:59 local
    await s.activation(monday + 6 * H); // 07:00 local: inside
    await s.activation(monday + 17 * H + 59 * 60_000); // 18:59 local: inside
    const late = await s.activation(monday + 18 * H); // 19:00 local: outside
    const weekend = await s.activation(monday - DAY + 10 * H); // Sunday 11:00 local
    const found = await s.only('outside_hours');
    expect(found.map((a) => a.key).sort()).toEqual(
      [early, late, weekend].map((r) => `outside_hours:${r.id}`).sort(),
    );
    expect(found.find((a) => a.key.endsWith(early.id))?.details[0]).toMatch(/Mon 23 Nov 06:59/);
  });

  it('says nothing about business hours when the policy has none', async () => {
    const s = setup();
    await s.activation(s.now - 8 * H);
    expect(await s.only('outside_hours')).toEqual([]);
  });

  it('flags activations that failed since the last scan, with the reason', async () => {
    const s = setup({ scanEvery: 900 });
    const failed = await s.add({
      state: 'failed',
      updatedAt: s.now - 60_000,
      failure: { code: 'graph.policy', message: 'PIM requires a ticket number.' },
    });
    await s.add({ state: 'failed', createdAt: s.now - 3 * H, updatedAt: s.now - 2 * H });
    const [alert] = await s.only('failed_activations');
    expect(alert?.key).toBe(`failed_activation:${failed.id}`);
    expect(alert?.details[0]).toMatch(/PIM requires a ticket number/);
    expect(await s.only('failed_activations')).toHaveLength(1);
  });
});
