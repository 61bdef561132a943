/**
 * An eligibility review as Block Kit: one section per person with their facts, and Keep /
 * Remove while undecided (Remove opens a modal for the reason); the decision once made.
 */
import type { types } from '@slack/bolt';
import type { Review } from '../../bot/core/domain/review.ts';
import {
  decisionText,
  itemFacts,
  itemValue,
  reviewIntro,
  reviewStatus,
  reviewTitle,
  shownItems,
} from '../review-text.ts';
import { safeMrkdwn, truncate } from './escape.ts';
import type { Block, SlackMessage } from './facts.ts';

const plain = (text: string, max = 3000) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
  emoji: false,
});

export function reviewMessage(r: Review, timezone: string): SlackMessage {
  const open = r.closedAt === null;
  const { items, hidden } = shownItems(r);
  const blocks: Block[] = [
    { type: 'header', text: plain(reviewTitle(r), 150) },
    { type: 'context', elements: [plain(reviewStatus(r, timezone))] },
  ];
  if (open) blocks.push({ type: 'section', text: plain(reviewIntro(r)) });
  for (const item of items) {
    const decided = decisionText(item, timezone);
    blocks.push({
      type: 'section',
      text: plain(decided ? `${itemFacts(item, timezone)}\n${decided}` : itemFacts(item, timezone)),
    });
    if (open && !item.decision)
      blocks.push({
        type: 'actions',
        block_id: `review_${item.principalId}`.slice(0, 255),
        elements: [
          {
            type: 'button',
            action_id: 'elevate_review_keep',
            value: itemValue(r, item),
            text: plain('Keep', 75),
          },
          {
            type: 'button',
            action_id: 'elevate_review_remove',
            style: 'danger',
            value: itemValue(r, item),
            text: plain('Remove', 75),
          },
        ],
      });
  }
  if (hidden > 0)
    blocks.push({
      type: 'context',
      elements: [plain(`${hidden} more are listed as the ones above are decided.`)],
    });
  return { text: safeMrkdwn(`${reviewTitle(r)}: ${reviewStatus(r, timezone)}`, 3000), blocks };
}

/** Remove asks why: the reason goes to PIM as the justification and to the audit trail. */
export function reviewRemoveModal(value: string, name: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: 'elevate_review_remove',
    private_metadata: value,
    title: plain('Remove eligibility', 24),
    submit: plain('Remove', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: plain(`Why should ${name} no longer be eligible? PIM keeps this.`, 2000),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 400 },
      },
    ],
  };
}
