/**
 * The periodic security scan (policy `alerts`): findings for the security channel, each
 * saying what, who, since when and what to do. The caller posts them and de-duplicates by
 * `key` within the cooldown, so a key names one finding: the same person, role or request
 * found again is the same key.
 */
import type { SecurityAlert } from '../../domain/alert.ts';
import type { AccessRequest } from '../../domain/request.ts';
import type { TenantOverview } from '../../ports/tenant-overview.ts';
import type { CoreDeps } from '../deps.ts';
import { failedActivations, outsideHours, tooFrequent } from './activity.ts';
import { outsideBot, outsidePim, staleAccounts, tooManyGlobalAdmins } from './holders.ts';
import { Names } from './names.ts';

export { withinHours } from './activity.ts';
export { GLOBAL_ADMINISTRATOR } from './holders.ts';

/** Activity older than this is read page by page from the store at most this far. */
const MAX_PAGES = 500;

export async function scanForAlerts(
  deps: CoreDeps,
  overview: TenantOverview,
): Promise<SecurityAlert[]> {
  const policy = deps.policy().alerts;
  const now = deps.clock.now();
  const lookback = Math.max(policy.tooFrequent.window * 1000, policy.scanEvery * 2000);
  const [recent, eligible, active] = await Promise.all([
    requestsSince(deps, now - lookback),
    overview.eligible(),
    overview.active(),
  ]);
  const names = new Names(deps);
  const open = await deps.store.listInStates(['activating', 'active']);
  return [
    ...(await tooFrequent(recent, policy, now, names)),
    ...(await staleAccounts(deps, overview, eligible, active, policy, now, names)),
    ...(await tooManyGlobalAdmins(eligible, active, policy, names)),
    ...(await outsidePim(active, names)),
    ...(await outsideBot(active, open, names)),
    ...outsideHours(recent, policy, now),
    ...failedActivations(recent, policy, now),
  ];
}

async function requestsSince(deps: CoreDeps, since: number): Promise<AccessRequest[]> {
  const found: AccessRequest[] = [];
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const read = await deps.store.listAll({ limit: 500, since, ...(before ? { before } : {}) });
    found.push(...read.items);
    if (!read.next) break;
    before = read.next;
  }
  return found;
}
