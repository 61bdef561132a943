/** A tenant for the security-scan tests: requests in a memory store, holders described by hand. */
import { MemoryTenantOverview } from '../../../adapters/memory/tenant-overview.ts';
import type { SecurityAlert } from '../../../bot/core/domain/alert.ts';
import type { AlertsPolicy, Policy } from '../../../bot/core/domain/policy.ts';
import type { AccessRequest } from '../../../bot/core/domain/request.ts';
import type { Target } from '../../../bot/core/domain/target.ts';
import { type CheckFailed, scanForAlerts } from '../../../bot/core/usecases/alerts/scan.ts';
import { makeEvent, makeRequest } from '../../support/fixtures.ts';
import { roles, target, testPolicy, testTenant } from '../../support/tenant.ts';

export const H = 3_600_000;
export const DAY = 24 * H;
export const ga = target(roles.global);
export const exchange = target(roles.exchange);

export function setup(alerts: Partial<AlertsPolicy> = {}) {
  const policy: Policy = { ...testPolicy, alerts: { ...testPolicy.alerts, ...alerts } };
  const t = testTenant(null, policy);
  const overview = new MemoryTenantOverview();
  const now = t.clock.now();
  const add = async (r: Partial<AccessRequest>) => {
    const request = makeRequest(r);
    await t.deps.store.create(request, makeEvent(request));
    return request;
  };
  /** A grant that was active from `at` (made a minute before unless `extra` says otherwise). */
  const activation = (at: number, extra: Partial<AccessRequest> = {}) =>
    add({ state: 'ended', createdAt: at - 60_000, activatedAt: at, updatedAt: at, ...extra });
  const scan = (onFailure?: CheckFailed) => scanForAlerts(t.deps, overview, onFailure);
  const only = async (kind: SecurityAlert['kind']) => (await scan()).filter((a) => a.kind === kind);
  return { t, overview, now, add, activation, scan, only };
}

/** `principalId` holding `t` now: through PIM for an hour from `startAt`, or standing. */
export const holding = (principalId: string, t: Target = ga, viaSchedule = true, startAt = 0) => ({
  principalId,
  target: t,
  startAt,
  endsAt: viaSchedule ? startAt + H : null,
  viaSchedule,
});
