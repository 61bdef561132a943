/**
 * The periodic security scan (policy `alerts`): findings for the security channel, each
 * saying what, who, since when and what to do. The caller posts them and de-duplicates by
 * `key` within the cooldown, so a key names one finding: the same person, role or request
 * found again is the same key.
 */
import { DateTime } from 'luxon';
import type { SecurityAlert } from '../domain/alert.ts';
import type { AlertsPolicy } from '../domain/policy.ts';
import type { AccessRequest } from '../domain/request.ts';
import type { ActiveAssignment } from '../ports/privilege-provider.ts';
import type { EligibleHolder, TenantOverview } from '../ports/tenant-overview.ts';
import type { CoreDeps } from './deps.ts';

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

const DAY = 86_400_000;
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

const activated = (r: AccessRequest) => r.activatedAt !== null;

async function tooFrequent(
  recent: readonly AccessRequest[],
  policy: AlertsPolicy,
  now: number,
  names: Names,
): Promise<SecurityAlert[]> {
  const windowStart = now - policy.tooFrequent.window * 1000;
  const byUserRole = new Map<string, AccessRequest[]>();
  for (const r of recent.filter((x) => activated(x) && (x.activatedAt ?? 0) >= windowStart)) {
    for (const t of r.targets) {
      const key = `${r.requester.id}|${t.id}`;
      byUserRole.set(key, [...(byUserRole.get(key) ?? []), r]);
    }
  }
  const alerts: SecurityAlert[] = [];
  for (const [key, requests] of byUserRole) {
    if (requests.length < policy.tooFrequent.count) continue;
    const [userId = '', roleId = ''] = key.split('|');
    const first = requests.at(-1);
    const role = first?.targets.find((t) => t.id === roleId)?.name ?? roleId;
    alerts.push({
      kind: 'too_frequent',
      key: `too_frequent:${userId}:${roleId}`,
      title: `${await names.of(userId)} activated ${role} ${requests.length} times in ${hours(policy.tooFrequent.window)}`,
      details: [
        `Limit: ${policy.tooFrequent.count} in ${hours(policy.tooFrequent.window)}.`,
        `Requests: ${requests.map((r) => r.id).join(', ')}.`,
      ],
      action: `Ask ${await names.of(userId)} why the role is needed this often; if the work is ongoing, consider a longer maximum duration or a narrower role.`,
      since: first?.activatedAt ?? null,
    });
  }
  return alerts;
}

async function staleAccounts(
  deps: CoreDeps,
  overview: TenantOverview,
  eligible: readonly EligibleHolder[],
  active: readonly ActiveAssignment[],
  policy: AlertsPolicy,
  now: number,
  names: Names,
): Promise<SecurityAlert[]> {
  const cutoff = now - policy.staleAccounts.days * DAY;
  const holders = [...new Set([...eligible, ...active].map((h) => h.principalId))];
  const signIns = await overview.lastSignIns(holders);
  const alerts: SecurityAlert[] = [];
  for (const [userId, last] of signIns) {
    if (last !== null && last >= cutoff) continue;
    const asked = await deps.store.listByUser(userId, { limit: 1, since: cutoff });
    if (asked.items.length > 0) continue;
    const roles = [
      ...new Set(
        [...eligible, ...active].filter((h) => h.principalId === userId).map((h) => h.target.name),
      ),
    ];
    alerts.push({
      kind: 'stale_account',
      key: `stale_account:${userId}`,
      title: `${await names.of(userId)} may be a stale account`,
      details: [
        last === null
          ? 'Never signed in.'
          : `No sign-in for ${Math.floor((now - last) / DAY)} days, and no activation through elevate in ${policy.staleAccounts.days} days.`,
        `Holds or may activate: ${roles.join(', ')}.`,
      ],
      action:
        'Confirm the person still needs these roles; otherwise remove the eligibility in PIM and review the account.',
      since: last,
    });
  }
  return alerts;
}

async function tooManyGlobalAdmins(
  eligible: readonly { principalId: string }[],
  active: readonly ActiveAssignment[],
  policy: AlertsPolicy,
  names: Names,
): Promise<SecurityAlert[]> {
  const admins = [
    ...new Set(
      active.filter((a) => a.target.id === GLOBAL_ADMINISTRATOR).map((a) => a.principalId),
    ),
  ];
  const everyone = new Set([...eligible, ...active].map((h) => h.principalId)).size;
  const percent = everyone === 0 ? 0 : Math.round((admins.length * 1000) / everyone) / 10;
  const { max, percent: maxPercent } = policy.tooManyGlobalAdmins;
  if (admins.length <= max && percent <= maxPercent) return [];
  return [
    {
      kind: 'too_many_global_admins',
      key: `too_many_global_admins:${[...admins].sort().join(',')}`,
      title: `${admins.length} people hold Global Administrator now`,
      details: [
        `That is ${percent}% of the ${everyone} people with a privileged role; the policy allows at most ${max} and ${maxPercent}%.`,
        `Holders: ${(await Promise.all(admins.map((id) => names.of(id)))).join(', ')}.`,
      ],
      action:
        'Check who needs Global Administrator now; end grants that are no longer needed and prefer narrower roles.',
      since: null,
    },
  ];
}

async function outsidePim(
  active: readonly ActiveAssignment[],
  names: Names,
): Promise<SecurityAlert[]> {
  const standing = active.filter((a) => !a.viaSchedule);
  return Promise.all(
    standing.map(async (a) => ({
      kind: 'outside_pim' as const,
      key: `outside_pim:${a.principalId}:${a.target.id}:${a.target.scope}`,
      title: `${await names.of(a.principalId)} holds ${a.target.name} outside PIM`,
      details: [
        `A permanent assignment at scope ${a.target.scope}, not time-boxed by PIM or elevate.`,
      ],
      action:
        'Convert it to a PIM eligibility (or remove it) so the role is activated just in time and audited.',
      since: a.startAt || null,
    })),
  );
}

/** PIM activations with no open elevate request behind them: made in the portal or the CLI. */
async function outsideBot(
  active: readonly ActiveAssignment[],
  open: readonly AccessRequest[],
  names: Names,
): Promise<SecurityAlert[]> {
  const ours = new Set(open.flatMap((r) => r.targets.map((t) => `${r.requester.id}|${t.id}`)));
  const foreign = active.filter(
    (a) => a.viaSchedule && a.endsAt !== null && !ours.has(`${a.principalId}|${a.target.id}`),
  );
  return Promise.all(
    foreign.map(async (a) => ({
      kind: 'activated_outside_bot' as const,
      key: `outside_bot:${a.principalId}:${a.target.id}:${a.startAt}`,
      title: `${await names.of(a.principalId)} activated ${a.target.name} outside elevate`,
      details: [
        `Active from ${iso(a.startAt)} until ${a.endsAt === null ? 'no end' : iso(a.endsAt)}, made in the PIM portal, PowerShell or the API.`,
      ],
      action:
        'Check the activation in the PIM audit log; ask the person to use elevate so approvals and the audit trail stay in one place.',
      since: a.startAt || null,
    })),
  );
}

function outsideHours(
  recent: readonly AccessRequest[],
  policy: AlertsPolicy,
  now: number,
): SecurityAlert[] {
  const hoursPolicy = policy.outsideHours;
  if (!hoursPolicy) return [];
  const since = now - policy.scanEvery * 2000;
  return recent
    .filter((r) => r.activatedAt !== null && r.activatedAt >= since)
    .filter((r) => !withinHours(r.activatedAt ?? 0, hoursPolicy))
    .map((r) => ({
      kind: 'outside_hours',
      key: `outside_hours:${r.id}`,
      title: `${r.requester.displayName} activated ${r.targets.map((t) => t.name).join(', ')} outside business hours`,
      details: [
        `At ${DateTime.fromMillis(r.activatedAt ?? 0, { zone: hoursPolicy.timezone }).toFormat('ccc d LLL HH:mm ZZZZ')}; business hours are ${hoursPolicy.from}–${hoursPolicy.to}.`,
        `Reason: ${r.reason}${r.ticket ? ` · ticket ${r.ticket}` : ''} · request ${r.id}.`,
      ],
      action:
        'Confirm with the person or the on-call lead that this was planned work; if not, end the grant (`/elevate deactivate`) and investigate.',
      since: r.activatedAt,
    }));
}

export function withinHours(at: number, hours: NonNullable<AlertsPolicy['outsideHours']>): boolean {
  const local = DateTime.fromMillis(at, { zone: hours.timezone });
  if (!hours.days.includes(local.weekday)) return false;
  const minute = local.hour * 60 + local.minute;
  const [fromH = 0, fromM = 0] = hours.from.split(':').map(Number);
  const [toH = 0, toM = 0] = hours.to.split(':').map(Number);
  return minute >= fromH * 60 + fromM && minute < toH * 60 + toM;
}

function failedActivations(
  recent: readonly AccessRequest[],
  policy: AlertsPolicy,
  now: number,
): SecurityAlert[] {
  const since = now - policy.scanEvery * 2000;
  return recent
    .filter((r) => r.state === 'failed' && r.updatedAt >= since)
    .map((r) => ({
      kind: 'failed_activations',
      key: `failed_activation:${r.id}`,
      title: `Activation of ${r.targets.map((t) => t.name).join(', ')} for ${r.requester.displayName} failed`,
      details: [`${r.failure?.message ?? 'PIM refused the grant.'} (request ${r.id})`],
      action:
        'Check the message: a PIM setting, a missing Graph permission or an outage. The requester was told; nothing was granted.',
      since: r.updatedAt,
    }));
}

const hours = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600}h` : `${Math.round(seconds / 60)}m`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Display names from the directory, looked up once per scan. */
class Names {
  readonly #deps: CoreDeps;
  readonly #known = new Map<string, Promise<string>>();
  constructor(deps: CoreDeps) {
    this.#deps = deps;
  }
  of(id: string): Promise<string> {
    let name = this.#known.get(id);
    if (!name) {
      name = this.#deps.directory
        .findUser(id)
        .then((p) => (p ? `${p.displayName} (${p.email})` : id))
        .catch(() => id);
      this.#known.set(id, name);
    }
    return name;
  }
}
