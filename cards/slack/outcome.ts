/**
 * What people are told when a request moves: the requester in a DM, the security channel in
 * its log. Plain text throughout: it is full of names, roles and reasons.
 */
import type { AccessRequest } from '../../bot/core/domain/request.ts';
import type { ActionLink } from '../../bot/core/errors.ts';
import type { RequestChange } from '../../bot/core/ports/notifier.ts';
import { type Audience, outcomeText } from '../outcome-text.ts';
import { pimApprovalText } from '../pim-approval-text.ts';
import { safeMrkdwn, truncate } from './escape.ts';
import type { Block, SlackMessage } from './facts.ts';

export function outcomeMessage(
  r: AccessRequest,
  change: RequestChange,
  audience: Audience,
  facts: { readonly propagation?: number },
  now: number,
  timezone: string,
  link?: ActionLink,
): SlackMessage {
  const text = outcomeText(r, change, audience, facts, now, timezone);
  const blocks: Block[] = [
    { type: 'section', text: { type: 'plain_text', text: truncate(text, 3000), emoji: false } },
  ];
  if (link) blocks.push(linkActions(link, r.id));
  if (change === 'reminder' && audience === 'requester') {
    blocks.push({
      type: 'actions',
      block_id: 'grant',
      elements: [
        {
          type: 'button',
          action_id: 'elevate_extend',
          value: r.id,
          text: { type: 'plain_text', text: 'Extend 30m' },
        },
        {
          type: 'button',
          action_id: 'elevate_deactivate',
          style: 'danger',
          value: r.id,
          text: { type: 'plain_text', text: 'Deactivate now' },
        },
      ],
    });
  }
  return { text: safeMrkdwn(text, 3000), blocks };
}

/**
 * A button that opens `link` (Slack still sends the click to the app, which acks it), and
 * with `renewFor` one that asks for a new link for that request (links last 10 minutes).
 */
export const linkActions = (link: ActionLink, renewFor?: string): Block => ({
  type: 'actions',
  block_id: 'sign_in',
  elements: [
    {
      type: 'button',
      action_id: 'elevate_sign_in',
      url: link.url,
      style: 'primary',
      text: { type: 'plain_text', text: truncate(link.label, 75) },
    },
    ...(renewFor
      ? [
          {
            type: 'button' as const,
            action_id: 'elevate_sign_in_again',
            value: renewFor,
            text: { type: 'plain_text' as const, text: 'New link' },
          },
        ]
      : []),
  ],
});

/** PIM's approval, to one of PIM's approvers: with their two sign-in links while it waits. */
export function pimApprovalMessage(
  r: AccessRequest,
  links: { readonly approve: ActionLink; readonly deny: ActionLink } | null,
): SlackMessage {
  const text = pimApprovalText(r);
  const blocks: Block[] = [
    { type: 'section', text: { type: 'plain_text', text: truncate(text, 3000), emoji: false } },
  ];
  if (links)
    blocks.push({
      type: 'actions',
      block_id: 'pim_review',
      elements: [
        {
          type: 'button',
          action_id: 'elevate_pim_approve',
          url: links.approve.url,
          style: 'primary',
          text: { type: 'plain_text', text: truncate(links.approve.label, 75) },
        },
        {
          type: 'button',
          action_id: 'elevate_pim_deny',
          url: links.deny.url,
          style: 'danger',
          text: { type: 'plain_text', text: truncate(links.deny.label, 75) },
        },
      ],
    });
  return { text: safeMrkdwn(text, 3000), blocks };
}
