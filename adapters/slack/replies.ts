/** A core Reply as the Slack message the asker sees (ephemeral); what it says is chat/replies. */
import { appError } from '../../bot/core/errors.ts';
import type { Reply } from '../../bot/core/usecases/chat-command.ts';
import {
  breakglassConfirmMessage,
  errorMessage,
  helpMessage,
  historyMessage,
  infoMessage,
  outcomeMessage,
  reviewMessage,
  rolesMessage,
  type SlackMessage,
  statusMessage,
  whocanMessage,
} from '../../cards/slack/index.ts';
import { breakglassQuestion, type ReplyView, renderReply as render } from '../chat/replies.ts';

/**
 * `form` and `export` are answered by the handler (a modal, a file in the DM); reaching the
 * renderer means the handler could not, so the person is asked for what is missing.
 */
export function renderReply(reply: Reply, now: number, timezone: string): SlackMessage {
  const view: ReplyView<SlackMessage> = {
    error: errorMessage,
    help: helpMessage,
    roles: (rows) => rolesMessage([...rows], now, timezone),
    status: (requests) => statusMessage([...requests], now, timezone),
    history: (items, paging) => historyMessage(items, paging, now, timezone),
    outcome: (request, change) => outcomeMessage(request, change, 'requester', {}, now, timezone),
    text: infoMessage,
    whocan: (answer) => whocanMessage(answer, timezone),
    breakglassConfirm: (plan) =>
      breakglassConfirmMessage(breakglassQuestion(plan), plan.confirmText),
    form: () => errorMessage(appError('command.missing_reason')),
    export: () => errorMessage(appError('command.missing_reason')),
    reviews: (reviews) => {
      const cards = reviews.map((r) => reviewMessage(r, timezone));
      // Slack allows 50 blocks a message: the first reviews whole, then a pointer.
      const blocks = cards.flatMap((c) => c.blocks).slice(0, 50);
      return { text: cards.map((c) => c.text).join('\n'), blocks };
    },
  };
  return render(reply, view, timezone);
}
