/** Teams replies: outcomes, the request form, help, roles, status, history and errors. */

import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import { formatDuration } from '../../bot/core/domain/duration.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import { type ActionLink, type AppError, errorText } from '../../bot/core/errors.ts';
import type { RequestChange } from '../../bot/core/ports/notifier.ts';
import type { RoleRow } from '../../bot/core/usecases/queries.ts';
import { alertLines } from '../alert-text.ts';
import { type Audience, outcomeText } from '../outcome-text.ts';
import { historyLine, roleList, roleRowText, statusLine } from '../wording.ts';
import { safe, safeWithCode } from './escape.ts';
import { type Card, expand, SCHEMA, TEXT_TEMPLATE } from './template.ts';

const text = (title: string, lines: readonly string[]): Card =>
  expand(TEXT_TEMPLATE, { title, lines: lines.map((l) => safe(l, 3000)) });

export const textCard = (line: string): Card => text('', [line]);
export const errorCard = (error: AppError): Card => {
  const card = expand(TEXT_TEMPLATE, { title: '', lines: [safeWithCode(errorText(error))] });
  if (!error.link) return card;
  const open = { type: 'Action.OpenUrl', title: error.link.label, url: error.link.url };
  return { ...card, actions: [...(Array.isArray(card.actions) ? card.actions : []), open] };
};

export const helpCard = (): Card =>
  expand(TEXT_TEMPLATE, {
    title: 'How to use elevate',
    lines: [
      'Request: `elevate <target>[, <target>…] <duration> [at <start>] [on <scope>] [ticket <id>] <reason>`',
      'e.g. `elevate Exchange Administrator 2h fixing mail flow INC-4711`; `request` alone opens the form',
      'A PIM group: `group Payments Oncall [owner]` · an Azure role: `Contributor on rg-payments` · several: separate them with commas',
      '`roles`: the roles you can activate · `status`: your open requests',
      '`cancel <request>` · `deactivate [<request>|<target>]` · `extend <request> <duration>`',
      '`history [me|@user|all] [role <role>] [since 7d]` · `export [since 30d]` (auditors)',
      '`whocan <role>`: who is eligible and who approves (approvers and auditors)',
      '`breakglass <target> <reason>`: emergency activation without approval (people listed in policy)',
    ],
  });

export type RoleRowView = RoleRow;

export function rolesCard(rows: readonly RoleRowView[], _now: number, timezone: string): Card {
  if (rows.length === 0)
    return textCard(
      'You are not eligible for any role in Entra PIM. Ask your identity team if you should be.',
    );
  return text(
    'Roles you can activate',
    rows.map((r) => roleRowText(r, timezone)),
  );
}

export function statusCard(
  requests: readonly AccessRequest[],
  now: number,
  timezone: string,
): Card {
  if (requests.length === 0) return textCard('You have no open requests or active grants.');
  return text(
    'Your open requests',
    requests.map((r) => `${r.id} · ${roleList(r)} · ${statusLine(r, now, timezone)}`),
  );
}

export function alertCard(alert: SecurityAlert, timezone: string): Card {
  const [title = alert.title, ...rest] = alertLines(alert, timezone);
  return text(title, rest);
}

/** A history page's number and the encoded states its Previous / Next buttons carry. */
export interface HistoryPager {
  readonly page: number;
  readonly previous: string | null;
  readonly next: string | null;
}

const HISTORY_TEMPLATE: Card = {
  type: 'AdaptiveCard',
  $schema: SCHEMA,
  version: '1.5',
  body: [
    { type: 'TextBlock', text: '${title}', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', $data: '${lines}', text: '${$data}', wrap: true, spacing: 'Small' },
  ],
  actions: [
    {
      $when: "${previous != ''}",
      type: 'Action.Execute',
      title: 'Previous',
      verb: 'historyPage',
      data: { state: '${previous}' },
    },
    {
      $when: "${next != ''}",
      type: 'Action.Execute',
      title: 'Next',
      verb: 'historyPage',
      data: { state: '${next}' },
    },
  ],
};

export function historyCard(
  requests: readonly AccessRequest[],
  pager: HistoryPager,
  now: number,
  timezone: string,
): Card {
  if (requests.length === 0 && pager.previous === null) return textCard('No activations match.');
  const lines = requests.map((r) => historyLine(r, now, timezone));
  return expand(HISTORY_TEMPLATE, {
    title: `Activations · page ${pager.page}${pager.next === null ? ' (the last)' : ''}`,
    lines: (lines.length > 0 ? lines : ['No more activations.']).map((l) => safe(l, 3000)),
    previous: pager.previous ?? '',
    next: pager.next ?? '',
  });
}

const OUTCOME_TEMPLATE: Card = {
  type: 'AdaptiveCard',
  $schema: SCHEMA,
  version: '1.5',
  body: [
    { type: 'TextBlock', text: '${text}', wrap: true },
    {
      type: 'Input.ChoiceSet',
      id: 'extendBy',
      $when: '${reminder}',
      value: '30m',
      choices: [
        { title: '30 minutes', value: '30m' },
        { title: '1 hour', value: '1h' },
      ],
    },
  ],
  actions: [
    {
      $when: '${link != null}',
      type: 'Action.OpenUrl',
      title: '${link.label}',
      url: '${link.url}',
    },
    {
      $when: '${reminder}',
      type: 'Action.Execute',
      title: 'Extend',
      verb: 'extend',
      associatedInputs: 'auto',
      data: { requestId: '${id}' },
    },
    {
      $when: '${reminder}',
      type: 'Action.Execute',
      title: 'Deactivate now',
      verb: 'deactivate',
      style: 'destructive',
      data: { requestId: '${id}' },
    },
  ],
};

export function outcomeCard(
  r: AccessRequest,
  change: RequestChange,
  audience: Audience,
  facts: { readonly propagation?: number },
  now: number,
  timezone: string,
  link?: ActionLink,
): Card {
  return expand(OUTCOME_TEMPLATE, {
    id: r.id,
    link: link ? { url: link.url, label: safe(link.label, 100) } : null,
    reminder: change === 'reminder' && audience === 'requester',
    // The reminder's commands are code spans; every other outcome carries people's words.
    text: (change === 'reminder' ? safeWithCode : safe)(
      outcomeText(r, change, audience, facts, now, timezone),
      3000,
    ),
  });
}

export interface FormPrefill {
  readonly roles: readonly string[];
  readonly duration: string | null;
  readonly start: string | null;
  readonly ticket: string | null;
  readonly reason: string;
}
export type FormErrors = Partial<
  Record<'roles' | 'duration' | 'start' | 'ticket' | 'reason', string>
>;

const FORM_TEMPLATE: Card = {
  type: 'AdaptiveCard',
  $schema: SCHEMA,
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Request access', weight: 'Bolder', size: 'Medium' },
    {
      type: 'Input.ChoiceSet',
      id: 'roles',
      label: 'Role(s)',
      isMultiSelect: true,
      isRequired: true,
      errorMessage: 'Pick at least one role.',
      value: '${roles}',
      choices: [{ $data: '${options}', title: '${title}', value: '${value}' }],
    },
    {
      type: 'TextBlock',
      text: '${errors.roles}',
      color: 'Attention',
      $when: '${errors.roles != null}',
      wrap: true,
    },
    {
      type: 'Input.Text',
      id: 'duration',
      label: 'Duration (30m, 2h, 1h30m)',
      isRequired: true,
      errorMessage: 'Give a duration.',
      value: '${duration}',
    },
    {
      type: 'TextBlock',
      text: '${errors.duration}',
      color: 'Attention',
      $when: '${errors.duration != null}',
      wrap: true,
    },
    {
      type: 'Input.Text',
      id: 'start',
      label: 'Start (14:00 or in 2h; empty: when approved)',
      value: '${start}',
    },
    {
      type: 'TextBlock',
      text: '${errors.start}',
      color: 'Attention',
      $when: '${errors.start != null}',
      wrap: true,
    },
    { type: 'Input.Text', id: 'ticket', label: 'Ticket', value: '${ticket}' },
    {
      type: 'TextBlock',
      text: '${errors.ticket}',
      color: 'Attention',
      $when: '${errors.ticket != null}',
      wrap: true,
    },
    {
      type: 'Input.Text',
      id: 'reason',
      label: 'Reason',
      isMultiline: true,
      isRequired: true,
      errorMessage: 'Say what you will do and why.',
      value: '${reason}',
    },
    {
      type: 'TextBlock',
      text: '${errors.reason}',
      color: 'Attention',
      $when: '${errors.reason != null}',
      wrap: true,
    },
  ],
  actions: [
    {
      type: 'Action.Execute',
      title: 'Request',
      verb: 'request',
      associatedInputs: 'auto',
      data: {},
    },
  ],
};

export function requestFormCard(
  prefill: FormPrefill,
  roleOptions: readonly { name: string; maxDuration: number }[],
  errors: FormErrors = {},
): Card {
  return expand(FORM_TEMPLATE, {
    roles: prefill.roles.join(','),
    options: roleOptions.slice(0, 100).map((r) => ({
      title: safe(`${r.name} (max ${formatDuration(r.maxDuration)})`, 200),
      value: r.name,
    })),
    duration: prefill.duration ?? '',
    start: prefill.start ?? '',
    ticket: prefill.ticket ?? '',
    reason: prefill.reason,
    errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, safe(v ?? '', 500)])),
  });
}

const EXPORT_LINK_TEMPLATE: Card = {
  type: 'AdaptiveCard',
  $schema: SCHEMA,
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'The audit export is ready', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: '${note}', wrap: true, spacing: 'Small' },
  ],
  actions: [{ type: 'Action.OpenUrl', title: 'Download CSV', url: '${url}' }],
};

/** The audit export as a link the bot serves (Teams bots cannot post files to channels). */
export const exportLinkCard = (url: string, minutes: number): Card =>
  expand(EXPORT_LINK_TEMPLATE, {
    url,
    note: `The link works once, for the next ${minutes} minutes. It is recorded in the audit trail when used.`,
  });

/**
 * The audit export in the sandbox console, which serves the file itself: a link in the text
 * and a Download button, both to the console's own path (`/api/export.csv?…`).
 */
export const consoleExportCard = (path: string): Card =>
  expand(EXPORT_LINK_TEMPLATE, {
    url: path,
    note: `[Download the CSV](${path}) of the audit trail, or press the button.`,
  });
