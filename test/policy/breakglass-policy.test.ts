/** `breakglass:` in policy.yaml: the domain form, its defaults, and its errors with line:col. */
import { describe, expect, it } from 'vitest';
import { MINIMAL, parsed, problems } from './helpers.ts';

describe('breakglass in policy.yaml', () => {
  it('reads who and what, with a 1h grant and a 1h review by default', () => {
    const policy = parsed([
      ...MINIMAL,
      'breakglass:',
      '  allowed: [oncall-lead@contoso.com, group:0f1e2d3c-0000-4000-8000-000000000001]',
      '  targets: [Exchange Administrator, group Payments Oncall]',
    ]);
    expect(policy.breakglass).toEqual({
      allowed: ['oncall-lead@contoso.com', 'group:0f1e2d3c-0000-4000-8000-000000000001'],
      targets: ['Exchange Administrator', 'group Payments Oncall'],
      maxDuration: 3600,
      reviewWithin: 3600,
    });
    expect(parsed(MINIMAL).breakglass).toBeUndefined();
  });

  it('takes maxDuration and reviewWithin as durations', () => {
    const policy = parsed([
      ...MINIMAL,
      'breakglass:',
      '  allowed: [a@contoso.com]',
      '  targets: [Global Administrator]',
      '  maxDuration: 30m',
      '  reviewWithin: PT2H',
    ]);
    expect(policy.breakglass).toMatchObject({ maxDuration: 1800, reviewWithin: 7200 });
  });

  it('points at what is missing or wrong, each at its line and column', () => {
    expect(
      problems([
        ...MINIMAL,
        'breakglass:',
        '  allowed: []',
        '  targets: [Exchange Administrator, "", exchange administrator]',
        '  maxDuration: soon',
        '  reviewAfter: 1h',
      ]),
    ).toEqual([
      'policy.yaml:4:12: breakglass.allowed: list at least one person or group, e.g. [oncall-lead@contoso.com]',
      'policy.yaml:5:37: breakglass.targets[1]: a target cannot be empty; write e.g. Exchange Administrator',
      'policy.yaml:6:16: breakglass.maxDuration: "soon" is not a duration; write a number with a unit (d, h, m, s), e.g. 8h, 30m, 1h30m, or ISO 8601 such as PT2H',
      'policy.yaml:7:3: breakglass.reviewAfter: unknown key "reviewAfter"; allowed here: allowed, targets, maxDuration, reviewWithin',
    ]);
  });

  it('refuses a target listed twice and a review window too short to act in', () => {
    expect(
      problems([
        ...MINIMAL,
        'breakglass:',
        '  allowed: [a@contoso.com]',
        '  targets: [Exchange Administrator, exchange administrator]',
        '  reviewWithin: 30s',
      ]),
    ).toEqual([
      'policy.yaml:5:37: breakglass.targets[1]: exchange administrator is listed twice; list each target once',
      'policy.yaml:6:17: breakglass.reviewWithin: the approvers need at least 1m to acknowledge; write e.g. reviewWithin: 1h',
    ]);
  });
});
