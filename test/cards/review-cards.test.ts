/**
 * The eligibility review card on both platforms, for a review too big for one message: a valid
 * Adaptive Card, Block Kit within Slack's 50 blocks, the undecided first, names as plain text.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import type { Review, ReviewItem } from '../../bot/core/domain/review.ts';
import { reviewMessage } from '../../cards/slack/index.ts';
import { reviewCard } from '../../cards/teams/index.ts';
import { people, roles, target } from '../support/tenant.ts';

const { id, ...schema } = JSON.parse(
  readFileSync('test/schemas/adaptive-card.schema.json', 'utf8'),
) as { id?: string };
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
const validate = ajv.compile({ ...schema, $id: id });

const T0 = Date.UTC(2026, 11, 1, 9);
const item = (i: number): ReviewItem => ({
  principalId: `u-${i}`,
  type: 'user',
  name: `Person ${i} *bold* <@U1>`,
  email: `person${i}@contoso.com`,
  scope: '/',
  lastActivation: i % 3 ? null : T0 - 86_400_000,
  activations: i % 4,
  lastSignIn: i % 2 ? null : T0 - 3_600_000,
  decision:
    i < 20
      ? {
          verdict: i % 2 ? 'keep' : 'remove',
          by: people.bob,
          at: T0,
          reason: i % 2 ? null : 'no longer on the team',
        }
      : null,
});

const review: Review = {
  id: 'rv-exchange-administrator-693',
  version: 21,
  target: target(roles.exchange),
  typed: 'Exchange Administrator',
  reviewers: ['bob@contoso.com'],
  periodStart: T0 - 90 * 86_400_000,
  createdAt: T0,
  remindAt: T0 + 7 * 86_400_000,
  dueAt: T0 + 14 * 86_400_000,
  remindedAt: null,
  overdueAt: null,
  closedAt: null,
  items: Array.from({ length: 60 }, (_, i) => item(i)),
};

describe('the review card', () => {
  it('stays within Slack limits, lists the undecided first, and says how many are not shown', () => {
    const message = reviewMessage(review, 'Europe/Amsterdam');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('Person 20 *bold* <@U1>');
    expect(json).not.toContain('mrkdwn');
    expect(json.match(/elevate_review_keep/g)).toHaveLength(15);
    expect(json).toContain('30 more are listed as the ones above are decided.');
    expect(json).toContain('Removed by Bob Approver, 1 Dec 2026: no longer on the team');
  });

  it('is a valid Adaptive Card with Keep and a Remove that asks why', () => {
    const card = reviewCard(review, 'Europe/Amsterdam');
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const json = JSON.stringify(card);
    expect(json.match(/"verb":"reviewKeep","style"/g)).toHaveLength(15);
    expect(json).toContain('"id":"reason_u-20"');
    const closed = reviewCard({ ...review, closedAt: T0 + 1 }, 'Europe/Amsterdam');
    expect(JSON.stringify(closed)).not.toContain('reviewKeep');
  });
});
