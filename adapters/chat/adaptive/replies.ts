/** A core Reply as the Adaptive Card the asker sees; what it says is chat/replies. */
import { specText } from '../../../bot/core/commands/command.ts';
import { formatDuration } from '../../../bot/core/domain/duration.ts';
import type { Reply } from '../../../bot/core/usecases/chat-command.ts';
import {
  breakglassConfirmCard,
  type Card,
  helpCard,
  historyCard,
  outcomeCard,
  requestFormCard,
  reviewCard,
  rolesCard,
  statusCard,
  whocanCard,
} from '../../../cards/teams/index.ts';
import { breakglassQuestion, type ReplyView, renderReply } from '../replies.ts';
import type { AdaptiveCards } from './cards.ts';

export async function renderCardReply(reply: Reply, cards: AdaptiveCards): Promise<Card> {
  const { now, timezone } = cards;
  const view: ReplyView<Card> = {
    error: (error) => cards.error(error),
    help: helpCard,
    roles: (rows) => rolesCard(rows, now, timezone),
    status: (requests) => statusCard(requests, now, timezone),
    history: (items, paging) => historyCard(items, paging, now, timezone),
    outcome: (request, change) => outcomeCard(request, change, 'requester', {}, now, timezone),
    text: (text) => cards.text(text),
    whocan: (answer) => whocanCard(answer, timezone),
    breakglassConfirm: (plan) => breakglassConfirmCard(breakglassQuestion(plan), plan.confirmText),
    form: ({ command, roles }) =>
      requestFormCard(
        {
          roles: command.targets.map(specText),
          duration:
            command.durationSeconds === null ? null : formatDuration(command.durationSeconds),
          start: command.startAt === null ? null : new Date(command.startAt).toISOString(),
          ticket: command.ticket,
          reason: command.reason,
        },
        roles.map((r) => ({ name: r.typed, maxDuration: r.maxDuration })),
      ),
    reviews: (reviews) => {
      const [first, ...more] = reviews.map((r) => reviewCard(r, timezone));
      const body = [first, ...more].flatMap((c) => (c?.body as unknown[]) ?? []);
      return { ...first, body };
    },
    // Delivered as a link by the platform (Teams' bot.ts); without PUBLIC_URL there is none to give.
    export: () =>
      cards.text(
        'The audit export is delivered as a download link, and this bot has no public address set (PUBLIC_URL). Ask the bot administrators, or use /elevate export in Slack.',
      ),
  };
  return renderReply(reply, view, timezone);
}
