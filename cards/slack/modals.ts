/** The two modals: the reason for a denial, and a request form prefilled with what was typed. */
import type { types } from '@slack/bolt';
import { formatDuration } from '../../bot/core/domain/duration.ts';
import type { AppError } from '../../bot/core/errors.ts';
import { slackErrorText } from './error-text.ts';
import { truncate } from './escape.ts';

const plain = (text: string, max = 75) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
});

export function denyReasonModal(requestId: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: 'elevate_deny_reason',
    private_metadata: requestId,
    title: plain('Deny request', 24),
    submit: plain('Deny', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: plain(`Why deny ${requestId}? The requester reads this.`, 2000),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 },
      },
    ],
  };
}

/** Replaces a submitted modal when handling it failed: what went wrong and what to do. */
export function errorModal(error: AppError): types.ModalView {
  return {
    type: 'modal',
    title: plain('elevate', 24),
    close: plain('Close', 24),
    blocks: [{ type: 'section', text: plain(slackErrorText(error), 3000) }],
  };
}

export interface RequestPrefill {
  readonly roles: readonly string[];
  readonly duration: string | null;
  readonly start: string | null;
  readonly ticket: string | null;
  readonly reason: string;
}

export function requestModal(
  prefill: RequestPrefill,
  roleOptions: readonly { name: string; maxDuration: number }[],
): types.ModalView {
  const options = roleOptions.slice(0, 100).map((r) => ({
    text: plain(`${r.name} (max ${formatDuration(r.maxDuration)})`),
    value: truncate(r.name, 150),
  }));
  const initial = options.filter((o) => prefill.roles.includes(o.value));
  const text = (
    block: string,
    label: string,
    value: string | null,
    optional: boolean,
    multiline = false,
  ): types.InputBlock => ({
    type: 'input',
    block_id: block,
    optional,
    label: plain(label, 2000),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline,
      ...(value ? { initial_value: truncate(value, 3000) } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: 'elevate_request',
    title: plain('Request access', 24),
    submit: plain('Request', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: 'roles',
        label: plain('Role(s)', 2000),
        element: {
          type: 'multi_static_select',
          action_id: 'value',
          options:
            options.length > 0 ? options : [{ text: plain('No eligible roles'), value: '-' }],
          ...(initial.length > 0 ? { initial_options: initial } : {}),
        },
      },
      text('duration', 'Duration (30m, 2h, 1h30m)', prefill.duration, false),
      text('start', 'Start (e.g. 14:00 or in 2h; empty: when approved)', prefill.start, true),
      text('ticket', 'Ticket', prefill.ticket, true),
      text('reason', 'Reason', prefill.reason, false, true),
    ],
  };
}
