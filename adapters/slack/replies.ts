/** A core Reply as the Slack message the asker sees (ephemeral). */

import type { Reply } from '../../bot/core/usecases/chat-command.ts';
import {
  errorMessage,
  helpMessage,
  historyMessage,
  infoMessage,
  outcomeMessage,
  rolesMessage,
  type SlackMessage,
  statusMessage,
} from '../../cards/slack/index.ts';
import { encodePaging } from '../chat/history-state.ts';

export function renderReply(
  reply: Exclude<Reply, { kind: 'form' | 'export' }>,
  now: number,
  timezone: string,
): SlackMessage {
  switch (reply.kind) {
    case 'error':
      return errorMessage(reply.error);
    case 'help':
      return helpMessage();
    case 'roles':
      return rolesMessage([...reply.rows], now, timezone);
    case 'status':
      return statusMessage([...reply.requests], now, timezone);
    case 'submitted':
      return outcomeMessage(
        reply.request,
        reply.request.state === 'pending_approval' ? 'submitted' : 'approved',
        'requester',
        {},
        now,
        timezone,
      );
    case 'canceled':
      return infoMessage(`Request ${reply.request.id} is canceled; nothing was granted.`);
    case 'deactivated':
      return outcomeMessage(reply.request, 'ended', 'requester', {}, now, timezone);
    case 'extended':
      return outcomeMessage(
        reply.request,
        reply.request.extension ? 'extension_requested' : 'extended',
        'requester',
        {},
        now,
        timezone,
      );
    case 'history':
      return historyMessage(reply.page.items, encodePaging(reply.paging), now, timezone);
  }
}
