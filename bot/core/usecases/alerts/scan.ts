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

/** Hears a check that could not run (say Graph refused sign-in activity) while the rest go on. */
export type CheckFailed = (check: SecurityAlert['kind'], error: unknown) => void;

/**
 * Requests changed in the activity window are read this many to a page, at most MAX_PAGES
 * pages (a million changes per window is far past any tenant; the rest would be left out).
 */
const PAGE = 500;
const MAX_PAGES = 2_000;

/**
 * Runs every check. Without `onFailure` the first failing check fails the scan; with it, a
 * check that fails is reported there and the findings of the others are still returned.
 */
export async function scanForAlerts(
  deps: CoreDeps,
  overview: TenantOverview,
  onFailure?: CheckFailed,
): Promise<SecurityAlert[]> {
  const alerts = deps.policy().alerts;
  const now = deps.clock.now();
  const activityFrom = now - Math.max(alerts.tooFrequent.window * 1000, alerts.scanEvery * 2000);
  // Each read once, and only by the checks that need it, so one failing read stops only those.
  const recent = once(() => changedSince(deps, activityFrom));
  const eligible = once(() => overview.eligible());
  const open = once(() => deps.store.listInStates(['activating', 'active']));
  // PIM groups are read per group: those the bot's recent and open requests name.
  const active = once(async () => {
    const groups = [...(await recent()), ...(await open())].flatMap((r) =>
      r.targets.filter((t) => t.kind === 'group').map((t) => t.id),
    );
    const [tenantWide, inGroups] = await Promise.all([
      overview.active(),
      groups.length > 0 && overview.activeInGroups ? overview.activeInGroups(groups) : [],
    ]);
    return [...tenantWide, ...inGroups];
  });
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

function once<T>(read: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= read();
    return result;
  };
}

/**
 * Every request whose last change lies in the window: whatever activated or failed in it was
 * changed by that, however long ago it was made or scheduled. A request changed again while
 * the pages are read comes again on a later page; the last copy wins.
 */
async function changedSince(deps: CoreDeps, since: number): Promise<AccessRequest[]> {
  const found = new Map<string, AccessRequest>();
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const read = await deps.store.listChangedSince({
      since,
      limit: PAGE,
      ...(after ? { after } : {}),
    });
    for (const r of read.items) found.set(r.id, r);
    if (!read.next) break;
    after = read.next;
  }
  // Newest made first, the order the checks read (and name requests) in.
  return [...found.values()].sort(
    (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}
