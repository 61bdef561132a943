/**
 * The approval card. A projection of the request: rendered again on every change, so
 * buttons exist only while the request waits for a decision. User-supplied text goes into
 * plain_text objects, which Slack never parses for mentions, links or formatting.
 */
import { formatDuration } from '../../bot/core/domain/duration.ts';
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import { safeMrkdwn, truncate } from './escape.ts';
import {
  awaitingAcknowledgement,
  awaitingDecision,
  type Block,
  cardStatus,
  cardTitle,
  clock,
  eligibilityCut,
  roleList,
  type SlackMessage,
  targetsTitle,
  who,
} from './facts.ts';

export interface ApprovalFacts {
  readonly maxDuration: number;
  readonly quorum: number;
}

const plain = (text: string, max = 2000) => ({
  type: 'plain_text' as const,
  text: truncate(text || '–', max),
  emoji: false,
});

export function approvalCard(
  r: AccessRequest,
  facts: ApprovalFacts,
  now: number,
  timezone: string,
): SlackMessage {
  const start = r.startAt === null ? 'As soon as approved' : clock(r.startAt, timezone);
  const status = cardStatus(r, now, timezone);
  const blocks: Block[] = [
    { type: 'header', text: plain(cardTitle(r), 150) },
    {
      type: 'section',
      fields: [
        plain(
          `Requester: ${who(r.requester)}${r.requester.email ? ` (${r.requester.email})` : ''}`,
        ),
        plain(`${targetsTitle(r)}: ${roleList(r)}`),
        plain(
          `Duration: ${formatDuration(r.durationSeconds)} (max ${formatDuration(facts.maxDuration)})${eligibilityCut(r, now, timezone)}`,
        ),
        plain(`Start: ${start}`),
        plain(`Ticket: ${r.ticket ?? 'none'}`),
        plain(`Approvals: ${r.approvals.length} of ${facts.quorum}`),
      ],
    },
    { type: 'section', text: plain(`Reason: ${r.reason}`, 3000) },
    { type: 'context', elements: [plain(`${status} · Request ${r.id}`, 2000)] },
  ];
  if (awaitingDecision(r)) {
    blocks.push({
      type: 'actions',
      block_id: 'decision',
      elements: [
        {
          type: 'button',
          action_id: 'elevate_approve',
          style: 'primary',
          value: r.id,
          text: plain('Approve'),
        },
        {
          type: 'button',
          action_id: 'elevate_deny',
          style: 'danger',
          value: r.id,
          text: plain('Deny'),
        },
      ],
    });
  }
  if (awaitingAcknowledgement(r)) {
    blocks.push({
      type: 'actions',
      block_id: 'breakglass',
      elements: [
        {
          type: 'button',
          action_id: 'elevate_acknowledge',
          style: 'danger',
          value: r.id,
          text: plain('Acknowledge'),
        },
      ],
    });
  }
  return {
    text: safeMrkdwn(
      `${r.breakglass ? 'BREAK-GLASS: ' : ''}${who(r.requester)} asks for ${roleList(r)} for ${formatDuration(r.durationSeconds)}. ${status}`,
      3000,
    ),
    blocks,
  };
}
