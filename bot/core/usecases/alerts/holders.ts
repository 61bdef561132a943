/**
 * Findings about who holds privileged roles in the tenant: stale accounts, too many Global
 * Administrators, standing assignments outside PIM, PIM activations elevate did not make.
 */
import type { SecurityAlert } from '../../domain/alert.ts';
import type { AlertsPolicy } from '../../domain/policy.ts';
import type { AccessRequest } from '../../domain/request.ts';
import type { ActiveAssignment } from '../../ports/privilege-provider.ts';
import type { EligibleHolder, TenantOverview } from '../../ports/tenant-overview.ts';
import type { CoreDeps } from '../deps.ts';
import { iso, type Names } from './names.ts';

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

const DAY = 86_400_000;

export async function staleAccounts(
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
    if (await activatedSince(deps, userId, cutoff)) continue;
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
        `${last === null ? 'Never signed in' : `No sign-in for ${Math.floor((now - last) / DAY)} days`}, and no activation through elevate in ${policy.staleAccounts.days} days.`,
        `Holds or may activate: ${roles.join(', ')}.`,
      ],
      action:
        'Confirm the person still needs these roles; otherwise remove the eligibility in PIM and review the account.',
      since: last,
    });
  }
  return alerts;
}

/**
 * Whether the user had a role activated through elevate since `cutoff`. Only an activation
 * counts: a request that was denied or lapsed shows a chat account in use, not the Entra one.
 */
async function activatedSince(deps: CoreDeps, userId: string, cutoff: number): Promise<boolean> {
  let before: string | undefined;
  do {
    const page = await deps.store.listByUser(userId, {
      limit: 100,
      since: cutoff,
      ...(before ? { before } : {}),
    });
    if (page.items.some((r) => r.activatedAt !== null && r.activatedAt >= cutoff)) return true;
    before = page.next ?? undefined;
  } while (before);
  return false;
}

export async function tooManyGlobalAdmins(
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
  const { max, percent: maxPercent } = policy.tooManyGlobalAdmins;
  // Compared unrounded: 50.04% is over a 50% limit even though it is shown as 50%.
  const overPercent = admins.length * 100 > maxPercent * everyone;
  if (admins.length <= max && !overPercent) return [];
  const percent = everyone === 0 ? 0 : Math.round((admins.length * 1000) / everyone) / 10;
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

export async function outsidePim(
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
export async function outsideBot(
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
