/** A core Reply as the Teams card the asker sees. */
import { formatDuration } from '../../bot/core/domain/duration.ts';
import type { Reply } from '../../bot/core/usecases/chat-command.ts';
import {
  type Card,
  helpCard,
  historyCard,
  outcomeCard,
  requestFormCard,
  rolesCard,
  statusCard,
} from '../../cards/teams/index.ts';
import { encodePaging } from '../chat/history-state.ts';
import type { TeamsCards } from './render.ts';

export async function renderTeamsReply(reply: Reply, cards: TeamsCards): Promise<Card> {
  const { now, timezone } = cards;
  switch (reply.kind) {
    case 'error':
      return cards.error(reply.error);
    case 'help':
      return helpCard();
    case 'roles':
      return rolesCard(reply.rows, now, timezone);
    case 'status':
      return statusCard(reply.requests, now, timezone);
    case 'history':
      return historyCard(reply.page.items, encodePaging(reply.paging), now, timezone);
    case 'form':
      return requestFormCard(
        {
          roles: reply.command.roles.map((r) => r.name),
          duration:
            reply.command.durationSeconds === null
              ? null
              : formatDuration(reply.command.durationSeconds),
          start:
            reply.command.startAt === null ? null : new Date(reply.command.startAt).toISOString(),
          ticket: reply.command.ticket,
          reason: reply.command.reason,
        },
        reply.roles.map((r) => ({ name: r.name, maxDuration: r.maxDuration })),
      );
    case 'submitted':
      return outcomeCard(
        reply.request,
        reply.request.state === 'pending_approval' ? 'submitted' : 'approved',
        'requester',
        {},
        now,
        timezone,
      );
    case 'canceled':
      return cards.text(`Request ${reply.request.id} is canceled; nothing was granted.`);
    case 'deactivated':
      return outcomeCard(reply.request, 'ended', 'requester', {}, now, timezone);
    case 'extended':
      return outcomeCard(
        reply.request,
        reply.request.extension ? 'extension_requested' : 'extended',
        'requester',
        {},
        now,
        timezone,
      );
    case 'export':
      // Delivered as a link by the bot (see bot.ts); without PUBLIC_URL there is none to give.
      return cards.text(
        'The audit export is delivered as a download link, and this bot has no public address set (PUBLIC_URL). Ask the bot administrators, or use /elevate export in Slack.',
      );
  }
}
