/**
 * Findings about what people did through elevate: the same role activated too often,
 * activations outside business hours, activations PIM refused.
 */
import { DateTime } from 'luxon';
import type { SecurityAlert } from '../../domain/alert.ts';
import type { AlertsPolicy } from '../../domain/policy.ts';
import type { AccessRequest } from '../../domain/request.ts';
import { hours, type Names } from './names.ts';

const activated = (r: AccessRequest) => r.activatedAt !== null;

export async function tooFrequent(
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

export function outsideHours(
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

/**
 * Whether `at` falls in business hours in the policy's zone (luxon, so DST days are right).
 * `from` after `to` is a shift across midnight: the hours after midnight belong to the day the
 * shift began.
 */
export function withinHours(at: number, hours: NonNullable<AlertsPolicy['outsideHours']>): boolean {
  const local = DateTime.fromMillis(at, { zone: hours.timezone });
  const minute = local.hour * 60 + local.minute;
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  const workday = (d: DateTime) => hours.days.includes(d.weekday);
  if (from < to) return workday(local) && minute >= from && minute < to;
  return (workday(local) && minute >= from) || (workday(local.minus({ days: 1 })) && minute < to);
}

const minutesOf = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

export function failedActivations(
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
