/** The break-glass question as Block Kit: what confirming does, and a Confirm button. */
import { safeMrkdwn, truncate } from './escape.ts';
import type { SlackMessage } from './facts.ts';

const plain = (text: string, max = 3000) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
  emoji: false,
});

/** `confirmText` goes back as the button's value: `/elevate breakglass confirm <confirmText>`. */
export function breakglassConfirmMessage(question: string, confirmText: string): SlackMessage {
  return {
    text: safeMrkdwn(question, 3000),
    blocks: [
      { type: 'section', text: plain(question) },
      {
        type: 'actions',
        block_id: 'breakglass_confirm',
        elements: [
          {
            type: 'button',
            action_id: 'elevate_breakglass_confirm',
            style: 'danger',
            value: confirmText.slice(0, 2000),
            text: plain('Confirm', 75),
          },
        ],
      },
    ],
  };
}
