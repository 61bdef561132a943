/**
 * The security scan's activity checks at their edges: business hours in the policy's zone
 * across DST and midnight, grants scheduled long before they start, failed activations, and
 * a check that cannot run not silencing the others.
 */
import { describe, expect, it } from 'vitest';
import type { AlertsPolicy } from '../../../bot/core/domain/policy.ts';
import { withinHours } from '../../../bot/core/usecases/alerts/scan.ts';
import { people } from '../../support/tenant.ts';
import { DAY, exchange, H, holding, setup } from './alerts-fixture.ts';

const MIN = 60_000;
const officeHours = {
  timezone: 'Europe/Amsterdam',
  from: '07:00',
  to: '19:00',
  days: [1, 2, 3, 4, 5],
};
/** Monday 23 Nov 2026, midnight UTC: Amsterdam is UTC+1 (CET). */
const MONDAY = Date.UTC(2026, 10, 23);
/** Monday 30 Mar 2026, midnight UTC: the day after the switch, Amsterdam is UTC+2 (CEST). */
const SUMMER_MONDAY = Date.UTC(2026, 2, 30);

describe('alerts scan: activity', () => {
  it('flags activations outside business hours in the configured zone, at the edges too', async () => {
    const s = setup({ scanEvery: (7 * DAY) / 1000, outsideHours: officeHours });
    s.t.clock.set(MONDAY + 2 * DAY);
    const early = await s.activation(MONDAY + 6 * H - MIN); // 06:59 local
    await s.activation(MONDAY + 6 * H); // 07:00 local: inside
    await s.activation(MONDAY + 17 * H + 59 * MIN); // 18:59 local: inside
    const late = await s.activation(MONDAY + 18 * H); // 19:00 local: outside
    const weekend = await s.activation(MONDAY - DAY + 10 * H); // Sunday 11:00 local
    const found = await s.only('outside_hours');
    expect(found.map((a) => a.key).sort()).toEqual(
      [early, late, weekend].map((r) => `outside_hours:${r.id}`).sort(),
    );
    const first = found.find((a) => a.key.endsWith(early.id));
    expect(first?.title).toBe(
      'Alice Admin activated Exchange Administrator outside business hours',
    );
    expect(first?.details[0]).toMatch(/Mon 23 Nov 06:59/);
    expect(first?.since).toBe(early.activatedAt);
  });

  it('moves the edges with daylight saving time', () => {
    // In summer 07:00 local is 05:00 UTC, so the winter edge (06:00 UTC) is well inside.
    expect(withinHours(SUMMER_MONDAY + 5 * H - MIN, officeHours)).toBe(false);
    expect(withinHours(SUMMER_MONDAY + 5 * H, officeHours)).toBe(true);
    expect(withinHours(SUMMER_MONDAY + 17 * H - MIN, officeHours)).toBe(true);
    expect(withinHours(SUMMER_MONDAY + 17 * H, officeHours)).toBe(false);
    // Sunday 29 Mar, the switch day itself: a weekend, so outside at any hour.
    expect(withinHours(SUMMER_MONDAY - DAY + 10 * H, officeHours)).toBe(false);
  });

  it('reads hours across midnight as a night shift belonging to the day it began', () => {
    const nights: NonNullable<AlertsPolicy['outsideHours']> = {
      ...officeHours,
      from: '22:00',
      to: '06:00',
    };
    const local = (day: number, hour: number, minute = 0) =>
      MONDAY + day * DAY + (hour - 1) * H + minute * MIN; // CET is UTC+1
    expect(withinHours(local(0, 21, 59), nights)).toBe(false); // Mon 21:59
    expect(withinHours(local(0, 22), nights)).toBe(true); // Mon 22:00
    expect(withinHours(local(1, 5, 59), nights)).toBe(true); // Tue 05:59, Monday's shift
    expect(withinHours(local(1, 6), nights)).toBe(false); // Tue 06:00
    expect(withinHours(local(5, 2), nights)).toBe(true); // Sat 02:00, Friday's shift
    expect(withinHours(local(6, 2), nights)).toBe(false); // Sun 02:00, Saturday's
    expect(withinHours(local(0, 2), nights)).toBe(false); // Mon 02:00, Sunday's
  });

  it('sees a grant scheduled days ahead when it starts, for hours and for frequency', async () => {
    const s = setup({ outsideHours: officeHours, tooFrequent: { count: 2, window: 3600 } });
    const sunday3am = MONDAY - DAY + 2 * H; // Sunday 22 Nov, 03:00 local
    s.t.clock.set(sunday3am + 10 * MIN);
    const scheduled = await s.activation(sunday3am, { createdAt: sunday3am - 3 * DAY });
    await s.activation(sunday3am - 20 * MIN, { createdAt: sunday3am - 5 * DAY });
    expect((await s.only('outside_hours')).map((a) => a.key)).toContain(
      `outside_hours:${scheduled.id}`,
    );
    expect(await s.only('too_frequent')).toHaveLength(1);
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
      createdAt: s.now - 5 * DAY, // scheduled days ahead; it failed at its start
      updatedAt: s.now - MIN,
      failure: { code: 'graph.policy', message: 'PIM requires a ticket number.' },
    });
    await s.add({ state: 'failed', createdAt: s.now - 3 * H, updatedAt: s.now - 2 * H });
    await s.add({ state: 'denied', createdAt: s.now - 2 * MIN, updatedAt: s.now - MIN });
    const found = await s.only('failed_activations');
    expect(found.map((a) => a.key)).toEqual([`failed_activation:${failed.id}`]);
    expect(found[0]?.title).toBe('Activation of Exchange Administrator for Alice Admin failed');
    expect(found[0]?.details[0]).toMatch(/PIM requires a ticket number/);
    expect(found[0]?.action).toMatch(/nothing was granted/);
  });

  it('reports a check that cannot run and still returns the findings of the others', async () => {
    const s = setup();
    s.overview.eligibleHolders = [{ principalId: people.carol.id, target: exchange }];
    s.overview.activeHolders = [holding(people.dave.id, exchange, false)];
    s.overview.lastSignIns = async () => {
      throw new Error('Graph refused: grant AuditLog.Read.All');
    };
    const failed: string[] = [];
    const found = await s.scan((check, error) => failed.push(`${check}: ${String(error)}`));
    expect(failed).toEqual(['stale_account: Error: Graph refused: grant AuditLog.Read.All']);
    expect(found.map((a) => a.kind)).toEqual(['outside_pim']);
    await expect(s.scan()).rejects.toThrow(/AuditLog/);
  });
});
