/** Replies to the asker: help, eligible roles, open requests, history, errors. */

import type { SecurityAlert } from '../../bot/core/domain/alert.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { AppError } from '../../bot/core/errors.ts';
import type { RoleRow } from '../../bot/core/usecases/queries.ts';
import { alertLines } from '../alert-text.ts';
import { historyLine, roleRowText } from '../wording.ts';
import { slackErrorText } from './error-text.ts';
import { safeMrkdwn, truncate } from './escape.ts';
import { type Block, roleList, type SlackMessage, statusLine } from './facts.ts';
import { linkActions } from './outcome.ts';

const plainSection = (text: string): Block => ({
  type: 'section',
  text: { type: 'plain_text', text: truncate(text, 3000), emoji: false },
});
const message = (text: string, blocks: Block[]): SlackMessage => ({
  text: safeMrkdwn(text, 3000),
  blocks: blocks.slice(0, 50),
});

const HELP = [
  '*Request:* `/elevate <target>[, <target>…] <duration> [at <start>] [on <scope>] [ticket <id>] <reason>`',
  'e.g. `/elevate Exchange Administrator 2h fixing mail flow INC-4711`',
  'A PIM group: `group Payments Oncall [owner]` · an Azure role: `Contributor on rg-payments` · several: separate them with commas',
  '`/elevate roles`: the roles you can activate · `/elevate status`: your open requests',
  '`/elevate cancel <request>` · `/elevate deactivate [<request>|<target>]` · `/elevate extend <request> <duration>`',
  '`/elevate history [me|@user|all] [role <role>] [since 7d]` · `/elevate export [since 30d]` (auditors)',
  '`/elevate whocan <role>`: who is eligible and who approves (approvers and auditors)',
  '`/elevate breakglass <target> <reason>`: emergency activation without approval (people listed in policy)',
].join('\n');

export const helpMessage = (): SlackMessage => ({
  text: 'How to use /elevate',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: HELP } }],
});

export const errorMessage = (error: AppError): SlackMessage => {
  const text = slackErrorText(error);
  return message(text, [plainSection(text), ...(error.link ? [linkActions(error.link)] : [])]);
};

export const infoMessage = (text: string): SlackMessage => message(text, [plainSection(text)]);

export type RoleRowView = RoleRow;

export function rolesMessage(
  rows: readonly RoleRowView[],
  _now: number,
  timezone: string,
): SlackMessage {
  if (rows.length === 0)
    return infoMessage(
      'You are not eligible for any role in Entra PIM. Ask your identity team if you should be.',
    );
  const lines = rows.map((r) => roleRowText(r, timezone));
  return message(
    `You can activate ${rows.length} role(s).`,
    chunks(['Roles you can activate:', ...lines]),
  );
}

export function statusMessage(
  requests: readonly AccessRequest[],
  now: number,
  timezone: string,
): SlackMessage {
  if (requests.length === 0) return infoMessage('You have no open requests or active grants.');
  const lines = requests.map((r) => `${r.id} · ${roleList(r)} · ${statusLine(r, now, timezone)}`);
  return message(`You have ${requests.length} open request(s).`, chunks(lines));
}

export function alertMessage(alert: SecurityAlert, timezone: string): SlackMessage {
  const lines = alertLines(alert, timezone);
  return message(lines[0] ?? alert.title, chunks(lines));
}

/** A history page's number and the encoded states its Previous / Next buttons carry. */
export interface HistoryPager {
  readonly page: number;
  readonly previous: string | null;
  readonly next: string | null;
}

export function historyMessage(
  requests: readonly AccessRequest[],
  pager: HistoryPager,
  now: number,
  timezone: string,
): SlackMessage {
  if (requests.length === 0 && pager.previous === null) return infoMessage('No activations match.');
  const lines = requests.map((r) => historyLine(r, now, timezone));
  const label = `Page ${pager.page}${pager.next === null ? ' (the last)' : ''}`;
  const footer: Block[] = [{ type: 'context', elements: [{ type: 'plain_text', text: label }] }];
  const buttons = [
    ...(pager.previous === null
      ? []
      : [{ id: 'elevate_history_prev', text: 'Previous', value: pager.previous }]),
    ...(pager.next === null
      ? []
      : [{ id: 'elevate_history_next', text: 'Next', value: pager.next }]),
  ];
  if (buttons.length > 0)
    footer.push({
      type: 'actions',
      block_id: 'history_pages',
      elements: buttons.map((b) => ({
        type: 'button',
        action_id: b.id,
        value: b.value,
        text: { type: 'plain_text', text: b.text },
      })),
    });
  // The footer goes last and always survives the 50-block limit: without it there is no way on.
  return message(
    `${requests.length} activation(s), page ${pager.page}${pager.next === null ? '' : ', more available'}.`,
    [
      ...chunks(lines.length > 0 ? lines : ['No more activations.']).slice(0, 50 - footer.length),
      ...footer,
    ],
  );
}

/** Several lines as plain sections of at most 3000 characters each. */
function chunks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let current = '';
  for (const line of lines) {
    if (current.length + line.length + 1 > 2900 && current !== '') {
      blocks.push(plainSection(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push(plainSection(current));
  return blocks;
}
