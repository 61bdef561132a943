/**
 * The periodic security scan (policy `alerts`): findings for the security channel, each
 * saying what, who, since when and what to do. The caller posts them and de-duplicates by
 * `key` within the cooldown, so a key names one finding: the same person, role or request
 * found again is the same key.
 */
import { MAX_START_DAYS } from '../../commands/start-time.ts';
import type { SecurityAlert } from '../../domain/alert.ts';
import type { Policy } from '../../domain/policy.ts';
import type { AccessRequest } from '../../domain/request.ts';
import type { TenantOverview } from '../../ports/tenant-overview.ts';
import type { CoreDeps } from '../deps.ts';
import { failedActivations, outsideHours, tooFrequent } from './activity.ts';
import { outsideBot, outsidePim, staleAccounts, tooManyGlobalAdmins } from './holders.ts';
import { Names } from './names.ts';

export { withinHours } from './activity.ts';
export { GLOBAL_ADMINISTRATOR } from './holders.ts';

/** Hears a check that could not run (say Graph refused sign-in activity) while the rest go on. */
export type CheckFailed = (check: SecurityAlert['kind'], error: unknown) => void;

/** Activity older than this is read page by page from the store at most this far. */
const MAX_PAGES = 500;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Runs every check. Without `onFailure` the first failing check fails the scan; with it, a
 * check that fails is reported there and the findings of the others are still returned.
 */
export async function scanForAlerts(
  deps: CoreDeps,
  overview: TenantOverview,
  onFailure?: CheckFailed,
): Promise<SecurityAlert[]> {
  const policy = deps.policy();
  const alerts = policy.alerts;
  const now = deps.clock.now();
  const activityFrom = now - Math.max(alerts.tooFrequent.window * 1000, alerts.scanEvery * 2000);
  // Each read once, and only by the checks that need it, so one failing read stops only those.
  const recent = once(() => requestsSince(deps, activityFrom - settling(policy)));
  const eligible = once(() => overview.eligible());
  const active = once(() => overview.active());
  const open = once(() => deps.store.listInStates(['activating', 'active']));
  const names = new Names(deps);
  const checks: [SecurityAlert['kind'], () => Promise<SecurityAlert[]>][] = [
    ['too_frequent', async () => tooFrequent(await recent(), alerts, now, names)],
    [
      'stale_account',
      async () =>
        staleAccounts(deps, overview, await eligible(), await active(), alerts, now, names),
    ],
    [
      'too_many_global_admins',
      async () => tooManyGlobalAdmins(await eligible(), await active(), alerts, names),
    ],
    ['outside_pim', async () => outsidePim(await active(), names)],
    ['activated_outside_bot', async () => outsideBot(await active(), await open(), names)],
    ['outside_hours', async () => outsideHours(await recent(), alerts, now)],
    ['failed_activations', async () => failedActivations(await recent(), alerts, now)],
  ];
  const found: SecurityAlert[] = [];
  for (const [kind, check] of checks) {
    try {
      found.push(...(await check()));
    } catch (error) {
      if (!onFailure) throw error;
      onFailure(kind, error);
    }
  }
  return found;
}

/**
 * How long after it was made a request may still activate or fail: its start can lie
 * MAX_START_DAYS ahead, and approval can take the timeout twice (again after escalation); an
 * hour more for activation retries. The store lists by creation, so reading only the activity
 * window would miss a grant scheduled for 03:00 yesterday that started or failed just now.
 */
function settling(policy: Policy): number {
  const timeouts = [policy.defaults, ...[...policy.roles.values()].map((r) => r.policy)].map(
    (p) => p.approval.timeout * 1000,
  );
  return Math.max(MAX_START_DAYS * DAY, 2 * Math.max(...timeouts)) + HOUR;
}

function once<T>(read: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= read();
    return result;
  };
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
