/** `reviews:` in policy.yaml: defaults for every listed target, per-target overrides, errors with line:col. */
import { describe, expect, it } from 'vitest';
import { MINIMAL, parsed, problems } from './helpers.ts';

const DAY = 86_400;

describe('reviews in policy.yaml', () => {
  it('reviews every 90 days by the approvers, due in 14 days, unless a target says otherwise', () => {
    const policy = parsed([
      ...MINIMAL,
      'reviews:',
      '  dueIn: 7d',
      '  targets:',
      '    - Exchange Administrator',
      '    - { target: Global Administrator, every: 30d, reviewers: [ciso@contoso.com] }',
      '    - group Payments Oncall',
    ]);
    expect(policy.reviews?.targets).toEqual([
      {
        typed: 'Exchange Administrator',
        rule: { every: 90 * DAY, dueIn: 7 * DAY, reviewers: 'approvers' },
      },
      {
        typed: 'Global Administrator',
        rule: { every: 30 * DAY, dueIn: 7 * DAY, reviewers: ['ciso@contoso.com'] },
      },
      {
        typed: 'group Payments Oncall',
        rule: { every: 90 * DAY, dueIn: 7 * DAY, reviewers: 'approvers' },
      },
    ]);
    expect(parsed(MINIMAL).reviews).toBeUndefined();
  });

  it('refuses a due date past the period, a target listed twice, and unknown keys', () => {
    expect(
      problems([
        ...MINIMAL,
        'reviews:',
        '  every: 7d',
        '  dueIn: 14d',
        '  targets: [Exchange Administrator, exchange administrator]',
      ]),
    ).toEqual([
      'policy.yaml:5:10: reviews.dueIn: a review every 7d cannot be due in 14d; the period must be at least 1h and no shorter than dueIn, e.g. every: 90d, dueIn: 14d',
      'policy.yaml:6:37: reviews.targets[1]: exchange administrator is listed twice; list each target once',
    ]);
    expect(
      problems([...MINIMAL, 'reviews:', '  targets:', '    - { target: ga, every: 30m }']),
    ).toEqual([
      'policy.yaml:5:7: reviews.targets[0]: a review every 30m cannot be due in 14d; the period must be at least 1h and no shorter than dueIn, e.g. every: 90d, dueIn: 14d',
    ]);
    expect(problems([...MINIMAL, 'reviews:', '  evry: 30d', '  targets: [ga]'])).toEqual([
      'policy.yaml:4:3: reviews.evry: unknown key "evry"; did you mean every? allowed here: every, dueIn, reviewers, targets',
    ]);
    expect(problems([...MINIMAL, 'reviews:', '  reviewers: everyone', '  targets: [ga]'])).toEqual([
      'policy.yaml:4:14: reviews.reviewers: expected approvers or a list such as [secops@contoso.com, group:<object id>], found "everyone"',
    ]);
  });
});
