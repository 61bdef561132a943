/**
 * An eligibility review as an Adaptive Card: each person's facts, and while undecided Keep and
 * Remove (Remove shows a reason box and a confirming Remove); the decision once made.
 */
import type { Review, ReviewItem } from '../../bot/core/domain/review.ts';
import {
  decisionText,
  itemFacts,
  reviewIntro,
  reviewStatus,
  reviewTitle,
  shownItems,
} from '../review-text.ts';
import { safe } from './escape.ts';
import { type Card, SCHEMA } from './template.ts';

const block = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'TextBlock',
  text: safe(text, 3000),
  wrap: true,
  ...extra,
});

/** The reason box of one person's Remove: its value arrives under this key. */
export const reasonInputId = (principalId: string): string => `reason_${principalId}`;

const execute = (title: string, verb: string, data: Record<string, string>, style?: string) => ({
  type: 'Action.Execute',
  title,
  verb,
  ...(style ? { style } : {}),
  data,
  fallback: { type: 'Action.Submit', title, data: { verb, ...data } },
});

function actions(r: Review, i: ReviewItem) {
  const data = { reviewId: r.id, principalId: i.principalId };
  return {
    type: 'ActionSet',
    actions: [
      execute('Keep', 'reviewKeep', data, 'positive'),
      {
        type: 'Action.ShowCard',
        title: 'Remove',
        card: {
          type: 'AdaptiveCard',
          body: [
            {
              type: 'Input.Text',
              id: reasonInputId(i.principalId),
              isMultiline: true,
              maxLength: 400,
              isRequired: true,
              errorMessage: 'Say why: PIM keeps it as the justification.',
              label: safe(`Why should ${i.name} no longer be eligible?`, 300),
            },
          ],
          actions: [execute('Remove', 'reviewRemove', data, 'destructive')],
        },
      },
    ],
  };
}

export function reviewCard(r: Review, timezone: string): Card {
  const open = r.closedAt === null;
  const { items, hidden } = shownItems(r);
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.5',
    body: [
      block(reviewTitle(r), { weight: 'Bolder', size: 'Medium' }),
      block(reviewStatus(r, timezone), { isSubtle: true, spacing: 'None' }),
      ...(open ? [block(reviewIntro(r))] : []),
      ...items.map((i) => {
        const decided = decisionText(i, timezone);
        return {
          type: 'Container',
          separator: true,
          items: [
            block(itemFacts(i, timezone)),
            ...(decided ? [block(decided, { weight: 'Bolder', spacing: 'None' })] : []),
            ...(open && !i.decision ? [actions(r, i)] : []),
          ],
        };
      }),
      ...(hidden > 0
        ? [block(`${hidden} more are listed as the ones above are decided.`, { isSubtle: true })]
        : []),
    ],
  };
}
