/**
 * The audit trail as RFC 4180 CSV with PIM's resource-audit columns. Streams: rows are written
 * as events arrive. Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
 * carriage return) are defused with a leading apostrophe, as OWASP recommends.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { AuditEvent } from '../../bot/core/domain/audit.ts';
import { readTarget, type Target, targetLabel } from '../../bot/core/domain/target.ts';

export const AUDIT_COLUMNS = [
  'time',
  'requester',
  'role',
  'action',
  'approver',
  'reason',
  'ticket',
  'outcome',
  'request id',
];

const FORMULA = /^[=+\-@\t\r]/;
export const defuse = (cell: string): string => (FORMULA.test(cell) ? `'${cell}` : cell);

const person = (p: AuditEvent['actor']): string => (p ? (p.email ?? p.displayName) : '');

/** `Exchange Administrator`, `group Payments Oncall (owner)`, `Contributor on /subscriptions/…`: the full scope, for audits. */
function csvTarget(t: Target): string {
  const stored = readTarget(t);
  if (stored.kind === 'group') return `group ${targetLabel(stored)}`;
  return stored.scope === '/' ? stored.name : `${stored.name} on ${stored.scope}`;
}

export function auditRow(e: AuditEvent): string[] {
  const outcome = typeof e.details.code === 'string' ? e.details.code : (e.state ?? '');
  return [
    new Date(e.at).toISOString(),
    person(e.requester),
    e.targets.map(csvTarget).join('; '),
    e.action,
    e.actor && e.actor.id !== e.requester?.id ? person(e.actor) : '',
    e.reason ?? '',
    e.ticket ?? '',
    outcome,
    e.requestId ?? '',
  ].map(defuse);
}

export function auditCsv(events: AsyncIterable<AuditEvent>): Readable {
  const rows = Readable.from(
    (async function* () {
      for await (const e of events) yield auditRow(e);
    })(),
  );
  return rows.pipe(
    stringify({
      header: true,
      columns: AUDIT_COLUMNS,
      record_delimiter: '\r\n',
    }),
  );
}
